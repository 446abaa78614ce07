/* gui-test-utils.h — what the widget tests share
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWindow *gui_test_show           (GtkWidget   *child,
                                    int          width,
                                    int          height);
void       gui_test_wait_for_draw  (GtkWidget   *widget);
void       gui_test_isolate_data   (void);
GtkWidget *gui_test_find           (GtkWidget   *widget,
                                    GType        type);
GPtrArray *gui_test_find_all       (GtkWidget   *widget,
                                    GType        type);
GtkWidget *gui_test_find_row       (GtkWidget   *widget,
                                    const char  *title);
void       gui_test_save_png       (GtkWidget   *widget,
                                    const char  *name);

G_END_DECLS
