#pragma once
// Tooltips for the parts of a painted widget (a grid cell, a bar): the part's own text where the
// cursor is, else Qt's default, the widget's tooltip.
#include <QEvent>
#include <QHelpEvent>
#include <QToolTip>
#include <QWidget>

namespace revcol::widgets {

// Call from event(): true when it showed `tip_at(pos)` for a tooltip event (the caller returns
// true); false for every other event, or where tip_at gives "" (the caller passes the event on).
template <typename TipAt>
bool showItemToolTip(QWidget* widget, QEvent* event, TipAt tip_at) {
  if (event->type() != QEvent::ToolTip) return false;
  auto* help = static_cast<QHelpEvent*>(event);
  const QString tip = tip_at(help->pos());
  if (tip.isEmpty()) return false;
  QToolTip::showText(help->globalPos(), tip, widget);
  return true;
}

}  // namespace revcol::widgets
