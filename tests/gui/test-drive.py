#!/usr/bin/env python3
# test-drive.py — the editor driven from outside, as a person (and Orca) would
#
# Copyright 2026 The Pushback developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the built `pushback` on a document, finds its nodes and sockets in
# the accessibility tree (AT-SPI, through pyatspi), drives it with real X
# events (xdotool: mouse drags between sockets, clicks, keys) and checks
# the results through the accessibility tree again and through screenshots
# (`import -window root`), which are kept in the build directory.
#
# Needs the Xvfb display and the session bus the gui suite runs under, and
# PUSHBACK, PUSHBACK_RUN and GSETTINGS_SCHEMA_DIR from meson. Prints TAP.

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import pyatspi
    from gi.repository import GLib
except ImportError:
    print('1..0 # SKIP pyatspi (python3-pyatspi) is not installed')
    sys.exit(0)

# Five nodes: tick (clock, f64) → fan (broadcast, one output left free) →
# toint (c, f64 to i64) → ints (c, takes i64); fan → level (stats).
PIPELINE = ('clock name=tick rate=100 ! broadcast name=fan '
            '! c name=toint in=f64 out=i64 code="emit((int64_t) x);" '
            '! c name=ints in=i64 out=none code="(void) x;"  fan. ! stats name=level')

BLUE = (0x35, 0x84, 0xe4)   # i64 wires
GREEN = (0x33, 0xd1, 0x7a)  # f64 wires

TIMEOUT = 15

out_dir = os.environ.get('G_TEST_BUILDDIR', tempfile.gettempdir())
n_tests = 0
n_failed = 0


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def wait_for(condition, what, timeout=TIMEOUT):
    """Polls @condition until it returns something true; fails after
    @timeout seconds saying what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure('timed out waiting for ' + what)
        time.sleep(0.05)


def xdotool(*args):
    subprocess.run(['xdotool', *[str(a) for a in args]], check=True)


# The accessibility tree

def walk(accessible, visible_only=False):
    """@accessible and its descendants; with @visible_only, leaves out
    what is hidden, as a popped-down popover and its label."""
    if accessible is None:
        return
    if visible_only and not accessible.getState().contains(pyatspi.STATE_VISIBLE):
        return
    yield accessible
    for i in range(accessible.childCount):
        try:
            child = accessible.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, visible_only)


def role(accessible):
    try:
        return accessible.getRoleName()
    except Exception:
        return ''


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and (app.get_process_id() == pid
                                    or pid is None and app.name == 'pushback'):
                return app
        except Exception:
            pass
    return None


class Editor:
    def __init__(self, app):
        self.app = app

    def refresh(self):
        # Children are cached by libatspi; ask GTK again each time.
        self.app.clearCache()

    def frame(self):
        self.refresh()
        for child in self.app:
            if child is not None and role(child) == 'frame':
                return child
        return None

    def canvas(self):
        for accessible in walk(self.frame()):
            if accessible.name == 'Topology':
                return accessible
        raise Failure('no canvas named "Topology" in the tree')

    def nodes(self):
        """The nodes on the canvas, by process name: (kind, accessible)."""
        nodes = {}
        for child in self.canvas():
            match = re.fullmatch(r'(\S+), ([a-z0-9-]+)', child.name or '')
            if match:
                nodes[match.group(1)] = (match.group(2), child)
        return nodes

    def sockets(self):
        """Sockets by "process role": their accessible."""
        sockets = {}
        for accessible in walk(self.canvas()):
            match = re.fullmatch(r'(\S+ \S+), (input|output), (.+)', accessible.name or '')
            if match and role(accessible) == 'push button':
                sockets[match.group(1)] = accessible
        return sockets

    def labels(self):
        """The text of every label on screen."""
        return [a.name for a in walk(self.frame(), visible_only=True)
                if role(a) == 'label' and a.name]

    def button(self, name):
        for accessible in walk(self.frame()):
            if role(accessible) == 'push button' and accessible.name == name:
                return accessible
        raise Failure('no button ' + name)

    def sensitive(self, name):
        return self.button(name).getState().contains(pyatspi.STATE_SENSITIVE)

    def focused_name(self):
        for accessible in walk(self.canvas()):
            if accessible.getState().contains(pyatspi.STATE_FOCUSED):
                return accessible.name
        return None


class Screen:
    """Turns the window coordinates AT-SPI gives (GTK 4.8 on X11 has no
    screen coordinates) into the root window's, for xdotool."""

    def __init__(self, editor, title):
        self.editor = editor
        wid = wait_for(lambda: subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', title],
                                              capture_output=True, text=True).stdout.split(),
                       'the window on the X display')[0]
        geometry = dict(line.split('=') for line in
                        subprocess.run(['xdotool', 'getwindowgeometry', '--shell', wid],
                                       capture_output=True, text=True, check=True).stdout.split())
        frame = editor.frame().queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        # Client-side decorations put a margin round the window's widget.
        self.x = int(geometry['X']) + (int(geometry['WIDTH']) - frame.width) // 2
        self.y = int(geometry['Y']) + (int(geometry['HEIGHT']) - frame.height) // 2

    def center(self, accessible):
        e = accessible.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return self.x + e.x + e.width // 2, self.y + e.y + e.height // 2

    def top(self, accessible):
        """A point on a node's header, where a person grabs it."""
        e = accessible.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return self.x + e.x + e.width // 2, self.y + e.y + 10

    def drag(self, start, end):
        (x0, y0), (x1, y1) = start, end
        xdotool('mousemove', x0, y0, 'sleep', 0.1, 'mousedown', 1, 'sleep', 0.1,
                'mousemove', (x0 + x1) // 2, (y0 + y1) // 2, 'sleep', 0.1,
                'mousemove', x1, y1, 'sleep', 0.1, 'mouseup', 1, 'sleep', 0.1)

    def click(self, point):
        xdotool('mousemove', point[0], point[1], 'sleep', 0.1, 'click', 1, 'sleep', 0.1)

    def shot(self, name):
        path = os.path.join(out_dir, 'test-drive-%s.png' % name)
        subprocess.run(['import', '-window', 'root', path], check=True)
        return path


def pixels(path, points):
    """The RGB colour of each point of the PNG at @path."""
    fmt = ''.join('%%[pixel:p{%d,%d}]\\n' % p for p in points)
    text = subprocess.run(['convert', path, '-format', fmt, 'info:'], capture_output=True,
                          text=True, check=True).stdout
    colors = []
    for line in text.split('\n')[:len(points)]:
        if line.startswith('#'):
            colors.append(tuple(int(line[i:i + 2], 16) for i in (1, 3, 5)))
        else:
            numbers = re.findall(r'[\d.]+%?', line)
            colors.append(tuple(round(float(n[:-1]) * 2.55) if n.endswith('%') else int(float(n))
                                for n in numbers[:3]))
    return colors


def wire_drawn(path, start, end, color):
    """Whether a wire of @color runs straight from @start to @end: most
    points along the way, away from the sockets, are near that colour."""
    points = []
    for i in range(3, 18):
        t = i / 20
        x = round(start[0] + t * (end[0] - start[0]))
        y = round(start[1] + t * (end[1] - start[1]))
        points += [(x, y + dy) for dy in (-1, 0, 1)]
    colors = pixels(path, points)
    near = [any(max(abs(a - b) for a, b in zip(c, color)) <= 30 for c in colors[i:i + 3])
            for i in range(0, len(colors), 3)]
    return sum(near) >= len(near) - 1


# The tests

def test(name):
    def register(function):
        TESTS.append((name, function))
        return function
    return register


TESTS = []


@test('the opened document\'s nodes are listed by name and kind')
def nodes_listed(editor, screen):
    nodes = wait_for(lambda: len(editor.nodes()) == 5 and editor.nodes(), 'five nodes')
    check({name: kind for name, (kind, _) in nodes.items()}
          == {'tick': 'clock', 'fan': 'broadcast', 'toint': 'c', 'ints': 'c', 'level': 'stats'},
          'nodes are %s' % sorted(nodes))
    sockets = editor.sockets()
    for socket in ('tick out', 'fan in', 'fan out[0]', 'fan out[2]', 'toint in', 'toint out',
                   'ints in', 'level in'):
        check(socket in sockets, 'no socket "%s" in %s' % (socket, sorted(sockets)))
    check(re.search(r', input, ', [s.name for k, s in sockets.items() if k == 'ints in'][0]),
          'an input socket says it is one')
    screen.shot('opened')


def refused(editor, screen, source, target, reason):
    sockets = editor.sockets()
    screen.drag(screen.center(sockets[source]), screen.center(sockets[target]))
    text = wait_for(lambda: [t for t in editor.labels() if reason in t],
                    'a refusal saying "%s"' % reason)[0]
    screen.shot('refused')
    # The reason stays up a few seconds, over the canvas: let it go before
    # the next step looks at the screen or clicks there.
    wait_for(lambda: text not in editor.labels(), 'the refusal to go away')
    return text


@test('a wire dropped on a busy port is refused, saying why')
def refused_busy(editor, screen):
    refused(editor, screen, 'fan out[2]', 'ints in', 'ints.in is connected already')


@test('a wire between two outputs is refused, saying why')
def refused_direction(editor, screen):
    refused(editor, screen, 'fan out[2]', 'toint out', 'are both outputs')


@test('a click on a wire and Delete remove the link')
def delete_wire(editor, screen):
    sockets = editor.sockets()
    a, b = screen.center(sockets['toint out']), screen.center(sockets['ints in'])
    before = screen.shot('before-delete-wire')
    check(wire_drawn(before, a, b, BLUE), 'no i64 wire between toint and ints to begin with')
    screen.click(((a[0] + b[0]) // 2, (a[1] + b[1]) // 2))
    xdotool('key', 'Delete')
    wait_for(lambda: not wire_drawn(screen.shot('deleted-wire'), a, b, BLUE),
             'the wire to go from the screen')
    check(len(editor.nodes()) == 5, 'deleting a link deleted a node')


@test('a wire of the wrong type is refused, saying why')
def refused_type(editor, screen):
    text = refused(editor, screen, 'fan out[2]', 'ints in', 'gives f64 but')
    check('ints.in takes i64' in text, 'the refusal "%s" names the taker' % text)


@test('a drag from socket to socket connects, and ctrl+z undoes it')
def connect_and_undo(editor, screen):
    sockets = editor.sockets()
    a, b = screen.center(sockets['toint out']), screen.center(sockets['ints in'])
    screen.drag(a, b)
    wait_for(lambda: wire_drawn(screen.shot('connected'), a, b, BLUE), 'a blue wire from toint to ints')
    # The runtime agrees: ints.in is taken now.
    refused(editor, screen, 'fan out[2]', 'ints in', 'ints.in is connected already')
    xdotool('key', 'ctrl+z')
    wait_for(lambda: not wire_drawn(screen.shot('undone'), a, b, BLUE), 'undo to take the wire away')
    xdotool('key', 'ctrl+shift+z')
    wait_for(lambda: wire_drawn(screen.shot('redone'), a, b, BLUE), 'redo to bring the wire back')
    xdotool('key', 'ctrl+z')
    wait_for(lambda: not wire_drawn(screen.shot('undone'), a, b, BLUE), 'undo again')


@test('a dragged node moves')
def move_node(editor, screen):
    level = editor.nodes()['level'][1]
    before = level.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    start = screen.top(level)
    screen.drag(start, (start[0] + 40, start[1] + 120))

    def moved():
        e = editor.nodes()['level'][1].queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return (e.x - before.x, e.y - before.y) == (40, 120)
    wait_for(moved, 'level to move by 40, 120')
    screen.shot('moved')


@test('a clicked node and Delete remove it; ctrl+z brings it back')
def delete_node(editor, screen):
    screen.click(screen.top(editor.nodes()['level'][1]))
    xdotool('key', 'Delete')
    wait_for(lambda: sorted(editor.nodes()) == ['fan', 'ints', 'tick', 'toint'], 'level to go')
    screen.shot('deleted-node')
    xdotool('key', 'ctrl+z')
    wait_for(lambda: 'level' in editor.nodes(), 'level to come back')


@test('from the keyboard alone: Tab to a socket, Enter, Tab to another, Enter')
def keyboard_connect(editor, screen):
    sockets = editor.sockets()
    a, b = screen.center(sockets['toint out']), screen.center(sockets['ints in'])
    check(not wire_drawn(screen.shot('keyboard-before'), a, b, BLUE), 'toint and ints start apart')
    # Focus starts on the canvas: a click on its empty background.
    canvas = editor.canvas().queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    screen.click((screen.x + canvas.x + 20, screen.y + canvas.y + canvas.height - 20))

    def tab_to(prefix):
        for _ in range(60):
            xdotool('key', 'Tab')
            name = wait_for(editor.focused_name, 'something focused after Tab')
            if name.startswith(prefix):
                return
        raise Failure('Tab never reached ' + prefix)

    tab_to('toint out,')
    xdotool('key', 'Return')
    tab_to('ints in,')
    xdotool('key', 'Return')
    wait_for(lambda: wire_drawn(screen.shot('keyboard-connected'), a, b, BLUE),
             'the keyboard\'s wire from toint to ints')


def main():
    global n_tests, n_failed

    if not os.environ.get('DISPLAY'):
        print('1..0 # SKIP no X display: run under xvfb-run')
        return 0
    for tool in ('xdotool', 'import', 'convert'):
        if shutil.which(tool) is None:
            print('1..0 # SKIP %s is not installed' % tool)
            return 0

    work = tempfile.mkdtemp(prefix='pushback-drive-')
    document = os.path.join(work, 'drive.pushback')
    subprocess.run([os.environ['PUSHBACK_RUN'], '--save', document, '-e', PIPELINE], check=True)

    # Folders of its own: no autosave of another run may come back in it.
    xdg = tempfile.mkdtemp(prefix='pushback-drive-')
    env = dict(os.environ, GSK_RENDERER='cairo', GSETTINGS_BACKEND='memory', GDK_BACKEND='x11',
               XDG_DATA_HOME=os.path.join(xdg, 'data'), XDG_CONFIG_HOME=os.path.join(xdg, 'config'),
               XDG_CACHE_HOME=os.path.join(xdg, 'cache'))
    # The accessibility tree is what this test reads: never turn it off.
    env.pop('GTK_A11Y', None)
    env.pop('NO_AT_BRIDGE', None)
    # PUSHBACK_WRAPPER, e.g. "gdb -batch -ex run -ex bt --args", helps
    # to see why the editor died.
    wrapper = os.environ.get('PUSHBACK_WRAPPER', '').split()
    editor_process = subprocess.Popen(wrapper + [os.environ['PUSHBACK'], document], env=env)

    print('1..%d' % len(TESTS))
    try:
        try:
            pid = None if wrapper else editor_process.pid
            app = wait_for(lambda: find_app(pid), 'pushback in the accessibility tree')
            editor = Editor(app)
            wait_for(lambda: editor.frame() is not None and editor.frame().name == 'drive.pushback',
                     'the document\'s window')
            wait_for(lambda: len(editor.nodes()) == 5, 'the document\'s nodes')
            screen = Screen(editor, 'drive.pushback')
        except Failure as failure:
            print('Bail out! %s' % failure)
            return 1

        for number, (name, function) in enumerate(TESTS, 1):
            n_tests += 1
            try:
                check(editor_process.poll() is None, 'pushback exited with %s' % editor_process.returncode)
                try:
                    function(editor, screen)
                except GLib.GError as error:
                    editor_process.poll()
                    raise Failure('%s; pushback exited with %s' % (error.message, editor_process.returncode))
                print('ok %d %s' % (number, name))
            except Failure as failure:
                n_failed += 1
                path = screen.shot('failed-%d' % number)
                print('not ok %d %s' % (number, name))
                print('# %s (screen in %s)' % (failure, path))
            sys.stdout.flush()
    finally:
        editor_process.terminate()
        try:
            editor_process.wait(10)
        except subprocess.TimeoutExpired:
            editor_process.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if n_failed else 0


if __name__ == '__main__':
    sys.exit(main())
