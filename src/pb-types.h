/* pb-types.h — forward declarations of the application's types
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Headers that only pass these types around include this file instead of
 * each other, so that the include graph stays acyclic as classes are added.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PbApplication PbApplication;
typedef struct _PbAutosave    PbAutosave;
typedef struct _PbCanvas      PbCanvas;
typedef struct _PbCommand     PbCommand;
typedef struct _PbDocument    PbDocument;
typedef struct _PbLink        PbLink;
typedef struct _PbNode        PbNode;
typedef struct _PbNodeView    PbNodeView;
typedef struct _PbPort        PbPort;
typedef struct _PbProfiler    PbProfiler;
typedef struct _PbRecordedRun PbRecordedRun;
typedef struct _PbSocket      PbSocket;
typedef struct _PbUndoStack   PbUndoStack;
typedef struct _PbWindow      PbWindow;

G_END_DECLS
