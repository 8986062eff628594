#pragma once
// The on-screen key help (H / F1): every row of keyBindings(), drawn over the view.
namespace revcol::live {

void drawHelpOverlay();

}  // namespace revcol::live
