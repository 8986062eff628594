#pragma once
// Class colours for drawings (segmentation maps, detection masks and boxes, legends): the dataset's
// own palette where the classes are a known dataset's, else a qualitative one in which neighbouring
// classes are far apart, so two adjacent classes never read as one region.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace revcol {

using Rgb = std::array<uint8_t, 3>;

// The palette for a model's classes when its checkpoint stores none: mmdetection 2.x's COCO palette
// (CocoDataset.PALETTE, 80 colours) when the names are COCO's 80 classes, mmsegmentation's ADE20K
// palette when they are ADE20K's 150 (names compared in order, ignoring case, surrounding spaces and
// '_' for ' ': some checkpoints store 'traffic_light'), otherwise
// qualitativeColor(0), (1), ... over the classes in order; a class named "background"
// (case-insensitive) gets neutral grey (128, 128, 128) and takes no colour from the sequence.
// Reads resources/labels (resourceDir()); throws revcol::Error naming a shipped file that is missing
// or malformed.
std::vector<Rgb> defaultPalette(const std::vector<std::string>& class_names);

// The index-th colour of the fixed qualitative sequence: matplotlib's tab10 without its grey (kept
// for background), then golden-ratio hue steps alternating a light and a dark tone. Any two
// consecutive colours are at least 100 apart in RGB (Euclidean); the first 256 are all different.
// Negative indices give the first colour.
Rgb qualitativeColor(int index);

// The colour `palette` gives class `label`, or qualitativeColor(label) where it has none (a model
// whose palette is shorter than its classes, a label from elsewhere).
Rgb classColor(const std::vector<Rgb>& palette, int label);

// A palette file: "R G B" (0..255) per line, in class order; blank lines and lines starting with '#'
// are skipped. Throws revcol::Error naming the file and the line that is not a colour.
std::vector<Rgb> readPaletteFile(const std::string& path);

}  // namespace revcol
