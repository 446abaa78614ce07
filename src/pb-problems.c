/* pb-problems.c — every process that is left out or failed, in one list
 *
 * Copyright 2026 The Pushback developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runtime runs what is complete and leaves out the rest, each left-out
 * process waiting with its problem (an output not connected, a type that
 * does not fit, a parameter missing or wrong); a process that fails says
 * why. This list gathers those messages, which the nodes already hold, so
 * that a person need not hunt for them on a large graph: activating a row
 * selects the node and brings it into view. The list follows the nodes as
 * they change, rebuilt at most once per main loop turn.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pb-problems.h"

struct _PbProblems
{
  GtkWidget   parent_instance;

  PbCanvas   *canvas;
  PbDocument *document;    /* the canvas's, watched */
  GListModel *nodes;       /* the document's nodes, watched */
  GPtrArray  *watched;     /* PbNode whose state and message are watched */
  GtkListBox *list;
  GtkWidget  *scrolled;
  GtkWidget  *empty;
  guint       n_problems;
  guint       rebuild_source;
};

G_DEFINE_FINAL_TYPE (PbProblems, pb_problems, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CANVAS,
  PROP_N_PROBLEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void queue_rebuild (PbProblems *self);

/**
 * pb_problems_node_has_problem:
 *
 * Returns: whether @node failed, or was left out with a reason
 */
gboolean
pb_problems_node_has_problem (PbNode *node)
{
  pb_process_state state = pb_node_get_state (node);
  const char *message = pb_node_get_message (node);

  return state == PB_PROCESS_FAILED
         || (state == PB_PROCESS_WAITING && message != NULL && message[0] != '\0');
}

static GtkWidget *
problem_row (PbNode *node)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gboolean failed = pb_node_get_state (node) == PB_PROCESS_FAILED;
  GtkWidget *icon = gtk_image_new_from_icon_name (failed ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  GtkWidget *name = gtk_label_new (pb_node_get_name (node));
  const char *text = pb_node_get_message (node) != NULL ? pb_node_get_message (node) : "";
  g_autofree char *prefix = g_strdup_printf ("%s: ", pb_node_get_name (node));
  GtkWidget *message;
  g_autofree char *description = NULL;

  /* The runtime names the process first; the row's title already does. */
  if (g_str_has_prefix (text, prefix))
    text += strlen (prefix);
  message = gtk_label_new (text);

  gtk_widget_add_css_class (icon, failed ? "error" : "warning");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_margin_top (icon, 2);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (message), 44);
  gtk_widget_add_css_class (message, "dim-label");
  gtk_box_append (GTK_BOX (texts), name);
  gtk_box_append (GTK_BOX (texts), message);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* Translators: a problem's row, read aloud: "map0 failed: ..." or
   * "map0 is left out: ...". */
  description = g_strdup_printf (failed ? _("%s failed: %s") : _("%s is left out: %s"),
                                 pb_node_get_name (node), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  g_object_set_data_full (G_OBJECT (row), "node", g_object_ref (node), g_object_unref);
  return row;
}

static void
unwatch_nodes (PbProblems *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched, i), queue_rebuild, self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
rebuild (PbProblems *self)
{
  GtkWidget *child;
  guint n = 0;

  unwatch_nodes (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; self->nodes != NULL && i < g_list_model_get_n_items (self->nodes); i++)
    {
      g_autoptr(PbNode) node = g_list_model_get_item (self->nodes, i);

      g_signal_connect_swapped (node, "notify::state", G_CALLBACK (queue_rebuild), self);
      g_signal_connect_swapped (node, "notify::message", G_CALLBACK (queue_rebuild), self);
      g_signal_connect_swapped (node, "notify::name", G_CALLBACK (queue_rebuild), self);
      g_ptr_array_add (self->watched, g_object_ref (node));
      if (pb_problems_node_has_problem (node))
        {
          gtk_list_box_append (self->list, problem_row (node));
          n++;
        }
    }

  gtk_widget_set_visible (self->scrolled, n > 0);
  gtk_widget_set_visible (self->empty, n == 0);
  if (n != self->n_problems)
    {
      self->n_problems = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROBLEMS]);
    }
}

static gboolean
rebuild_now (gpointer user_data)
{
  PbProblems *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (PbProblems *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add (rebuild_now, self);
}

static void
set_document (PbProblems *self,
              PbDocument *document)
{
  if (self->nodes != NULL)
    g_signal_handlers_disconnect_by_func (self->nodes, queue_rebuild, self);
  g_set_object (&self->document, document);
  g_clear_object (&self->nodes);
  if (document != NULL)
    self->nodes = g_object_ref (pb_document_get_nodes (document));
  if (self->nodes != NULL)
    g_signal_connect_swapped (self->nodes, "items-changed", G_CALLBACK (queue_rebuild), self);
  rebuild (self);
}

static void
on_canvas_document (PbProblems *self)
{
  set_document (self, self->canvas != NULL ? pb_canvas_get_document (self->canvas) : NULL);
}

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  PbProblems    *self)
{
  PbNode *node = g_object_get_data (G_OBJECT (row), "node");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER);

  if (self->canvas == NULL || node == NULL
      || pb_document_find_node (self->document, pb_node_get_address (node)) != node)
    return;
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  pb_canvas_reveal_node (self->canvas, node);
}

/**
 * pb_problems_get_n_problems:
 *
 * Returns: how many processes the list shows
 */
guint
pb_problems_get_n_problems (PbProblems *self)
{
  g_return_val_if_fail (PB_IS_PROBLEMS (self), 0);

  if (self->rebuild_source != 0)
    {
      g_clear_handle_id (&self->rebuild_source, g_source_remove);
      rebuild (self);
    }
  return self->n_problems;
}

static void
pb_problems_dispose (GObject *object)
{
  PbProblems *self = PB_PROBLEMS (object);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  unwatch_nodes (self);
  if (self->nodes != NULL)
    g_signal_handlers_disconnect_by_func (self->nodes, queue_rebuild, self);
  g_clear_object (&self->nodes);
  g_clear_object (&self->document);
  if (self->canvas != NULL)
    g_signal_handlers_disconnect_by_func (self->canvas, on_canvas_document, self);
  g_clear_object (&self->canvas);
  {
    GtkWidget *child;

    /* The template's box is the widget's one child. */
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (pb_problems_parent_class)->dispose (object);
}

static void
pb_problems_finalize (GObject *object)
{
  PbProblems *self = PB_PROBLEMS (object);

  g_ptr_array_unref (self->watched);

  G_OBJECT_CLASS (pb_problems_parent_class)->finalize (object);
}

static void
pb_problems_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PbProblems *self = PB_PROBLEMS (object);

  switch (prop_id)
    {
    case PROP_CANVAS:
      g_value_set_object (value, self->canvas);
      break;
    case PROP_N_PROBLEMS:
      g_value_set_uint (value, self->n_problems);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_problems_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  PbProblems *self = PB_PROBLEMS (object);

  switch (prop_id)
    {
    case PROP_CANVAS:
      if (self->canvas != NULL)
        g_signal_handlers_disconnect_by_func (self->canvas, on_canvas_document, self);
      g_set_object (&self->canvas, g_value_get_object (value));
      if (self->canvas != NULL)
        g_signal_connect_swapped (self->canvas, "notify::document", G_CALLBACK (on_canvas_document), self);
      on_canvas_document (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_problems_class_init (PbProblemsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_problems_dispose;
  object_class->finalize = pb_problems_finalize;
  object_class->get_property = pb_problems_get_property;
  object_class->set_property = pb_problems_set_property;

  properties[PROP_CANVAS] =
    g_param_spec_object ("canvas", NULL, NULL, PB_TYPE_CANVAS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PROBLEMS] =
    g_param_spec_uint ("n-problems", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/pushback/Pushback/ui/pb-problems.ui");
  gtk_widget_class_bind_template_child (widget_class, PbProblems, list);
  gtk_widget_class_bind_template_child (widget_class, PbProblems, scrolled);
  gtk_widget_class_bind_template_child (widget_class, PbProblems, empty);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "problems");
}

static void
pb_problems_init (PbProblems *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}
