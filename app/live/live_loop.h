#pragma once
// The render loop's data flow for one displayed frame, without OpenGL: the newest source frame goes
// to the worker (latest wins) and to the view's live inset; the worker's newest result, which
// carries its own frame, goes to the view. main.cpp and tests/live_frame_identity_test.cpp run
// this same function.
#include "frame_feed.h"
#include "live_worker.h"
#include "view_content.h"

namespace revcol::live {

// Paused: the source is not read and no frame is submitted, so input and inset stay; a result the
// worker publishes anyway (a recolour after a mode change) is still taken. Returns what the view must upload.
ViewContent::Changes pumpFrames(const FrameFeed& feed, LiveWorker& worker, bool paused, ViewContent& content);

}  // namespace revcol::live
