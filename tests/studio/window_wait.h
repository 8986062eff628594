#pragma once
// Event-loop helpers for tests that drive the real MainWindow.
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <algorithm>
#include <functional>

#include "main_window.h"

namespace revcol::studio::testing {

// Spins the event loop until the window is idle (or the timeout). Meanwhile a 10 ms timer
// measures how late the GUI thread gets to it: the largest gap is the worst GUI stall.
inline double waitIdle(MainWindow& w, int timeout_ms) {
  QEventLoop loop;
  QElapsedTimer since_tick;
  since_tick.start();
  double worst_gap_ms = 0;
  QTimer tick;
  QObject::connect(&tick, &QTimer::timeout, [&]() {
    worst_gap_ms = std::max(worst_gap_ms, double(since_tick.nsecsElapsed()) / 1e6);
    since_tick.restart();
  });
  tick.start(10);
  QObject::connect(&w, &MainWindow::becameIdle, &loop, &QEventLoop::quit);
  QTimer::singleShot(timeout_ms, &loop, &QEventLoop::quit);
  loop.exec();
  return worst_gap_ms;
}

// Spins the event loop until `done` holds (checked every 20 ms) or the timeout; returns done().
inline bool waitFor(const std::function<bool()>& done, int timeout_ms) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < timeout_ms) {
    QEventLoop loop;
    QTimer::singleShot(20, &loop, &QEventLoop::quit);
    loop.exec();
  }
  return done();
}

// Loads a checkpoint and opens an input, then waits until both are done.
inline bool openAndWait(MainWindow& w, const QString& checkpoint, const QString& input, int timeout_ms = 120000) {
  w.openCheckpoint(checkpoint);
  if (!w.openInput(input)) return false;
  return waitFor([&w]() { return w.idle() && w.lastResult() != nullptr; }, timeout_ms);
}

}  // namespace revcol::studio::testing
