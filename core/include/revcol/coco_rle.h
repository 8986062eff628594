#pragma once
// COCO run-length encoded masks, bit for bit as pycocotools' maskApi.c computes them: encoding,
// the compressed string form, polygons, areas, boxes and IoU. Detection results are written with
// them and COCO-style evaluation compares masks through them without decoding a pixel.
#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace revcol {

// Column-major runs of alternating 0s and 1s, starting with a run of 0s (possibly empty).
struct CocoRle {
  int height = 0, width = 0;
  std::vector<uint32_t> counts;
};

// rleEncode of a binary mask (non-zero = 1) and rleDecode back (CV_8U, 0/1).
CocoRle encodeCocoRle(const cv::Mat& mask);
cv::Mat decodeCocoRle(const CocoRle& rle);

// pycocotools' compressed string form of the counts (rleToString) and back (rleFrString).
std::string cocoRleString(const CocoRle& rle);
CocoRle cocoRleFromString(const std::string& counts, int height, int width);

// A polygon [x0, y0, x1, y1, ...] in pixel coordinates rasterised as rleFrPoly does (boundary
// traced at 5x, a pixel is inside when its centre is); several polygons of one object are
// merged (union), as annToRLE does for COCO's polygon annotations.
CocoRle cocoRleFromPolygons(const std::vector<std::vector<double>>& polygons, int height, int width);

// Number of 1 pixels (rleArea).
uint64_t cocoRleArea(const CocoRle& rle);

// Tight box [x, y, w, h] of the 1 pixels, {0, 0, 0, 0} for an empty mask (rleToBbox).
std::array<double, 4> cocoRleBox(const CocoRle& rle);

// Intersection over union of two masks of one size (rleIou); with `crowd` the union is the
// detection's own area (COCO's crowd regions). -1 when the sizes differ.
double cocoMaskIou(const CocoRle& detection, const CocoRle& ground_truth, bool crowd);

// bbIou of two [x, y, w, h] boxes: overlap w * h, no +1; with `crowd` over the detection's area.
double cocoBoxIou(const std::array<double, 4>& detection, const std::array<double, 4>& ground_truth, bool crowd);

}  // namespace revcol
