// COCOeval (pycocotools/cocoeval.py) for bbox and segm: evaluate() matches detections to ground
// truth per image, category and area range; accumulate() turns the matches into precision at 101
// recall points; summarize() averages them into the twelve stats. Each step keeps the reference's
// order of operations (stable sorts by score, greedy matching in score order, the same linspace
// thresholds) so that ties and boundary cases come out as pycocotools has them.
#include <revcol/coco_eval.h>
#include <revcol/error.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace revcol {
namespace {

constexpr int kT = 10, kR = 101, kA = 4, kM = 3;
constexpr std::array<int, kM> kMaxDets = {1, 10, 100};
constexpr std::array<std::array<double, 2>, kA> kAreaRanges = {
    {{0, 1e10}, {0, 32.0 * 32.0}, {32.0 * 32.0, 96.0 * 96.0}, {96.0 * 96.0, 1e10}}};  // all, small, medium, large

// np.linspace(.5, .95, 10) and np.linspace(0, 1, 101): start + i * ((stop - start) / (n - 1)),
// the last value set to stop. The exact doubles matter: recall 29/100 is below 29 * 0.01.
std::array<double, kT> iouThresholds() {
  std::array<double, kT> t{};
  const double step = (0.95 - 0.5) / (kT - 1);
  for (int i = 0; i < kT; ++i) t[size_t(i)] = double(i) * step + 0.5;
  t[kT - 1] = 0.95;
  return t;
}
std::array<double, kR> recallThresholds() {
  std::array<double, kR> r{};
  for (int i = 0; i < kR; ++i) r[size_t(i)] = double(i) * (1.0 / (kR - 1));
  r[kR - 1] = 1.0;
  return r;
}

struct Object {
  const CocoInstance* instance = nullptr;
  double area = 0;
  size_t order = 0;  // position in the input: the tie-break of the stable sorts
};

// One image and category: ground truth, detections (score order, at most 100) and their IoUs.
struct Cell {
  std::vector<Object> gt, dt;
  std::vector<double> iou;  // iou[d * gt.size() + g]
};

// evaluateImg's result for one image, category and area range.
struct ImageEval {
  std::vector<double> scores;                    // detections in score order
  std::vector<std::array<bool, kT>> dt_matched;  // per detection and threshold
  std::vector<std::array<bool, kT>> dt_ignored;
  int gt_counted = 0;  // ground truth not ignored
};

double iouOf(const Object& d, const Object& g, CocoIouType type) {
  const bool crowd = g.instance->iscrowd;
  if (type == CocoIouType::Box) return cocoBoxIou(d.instance->bbox, g.instance->bbox, crowd);
  return cocoMaskIou(d.instance->mask, g.instance->mask, crowd);
}

ImageEval evaluateImage(const Cell& cell, const std::array<double, 2>& range,
                        const std::array<double, kT>& thresholds) {
  const auto outside = [&range](double area) { return area < range[0] || area > range[1]; };
  // Ground truth with its ignore flag, ignored ones last (stable).
  std::vector<size_t> gind(cell.gt.size());
  std::iota(gind.begin(), gind.end(), size_t(0));
  std::vector<bool> ignore(cell.gt.size());
  for (size_t g = 0; g < cell.gt.size(); ++g) ignore[g] = cell.gt[g].instance->iscrowd || outside(cell.gt[g].area);
  std::stable_sort(gind.begin(), gind.end(), [&](size_t a, size_t b) { return ignore[a] < ignore[b]; });

  ImageEval e;
  const size_t G = gind.size(), D = cell.dt.size();
  for (size_t g : gind) e.gt_counted += ignore[g] ? 0 : 1;
  e.scores.resize(D);
  e.dt_matched.assign(D, {});
  e.dt_ignored.assign(D, {});
  for (size_t d = 0; d < D; ++d) e.scores[d] = cell.dt[d].instance->score;
  for (int t = 0; t < kT; ++t) {
    std::vector<bool> gt_taken(G, false);
    for (size_t d = 0; d < D; ++d) {
      double best = std::min(thresholds[size_t(t)], 1 - 1e-10);
      int m = -1;
      for (size_t k = 0; k < G; ++k) {
        const size_t g = gind[k];
        if (gt_taken[k] && !cell.gt[g].instance->iscrowd) continue;
        // Matched to a regular object already and only ignored ones are left: stop.
        if (m > -1 && !ignore[gind[size_t(m)]] && ignore[g]) break;
        const double iou = cell.iou[d * G + g];
        if (iou < best) continue;
        best = iou;
        m = int(k);
      }
      if (m == -1) continue;
      e.dt_ignored[d][size_t(t)] = ignore[gind[size_t(m)]];
      e.dt_matched[d][size_t(t)] = true;
      gt_taken[size_t(m)] = true;
    }
  }
  // Unmatched detections outside the area range are ignored.
  for (size_t d = 0; d < D; ++d)
    if (outside(cell.dt[d].area))
      for (int t = 0; t < kT; ++t)
        if (!e.dt_matched[d][size_t(t)]) e.dt_ignored[d][size_t(t)] = true;
  return e;
}

double meanOfDefined(const std::vector<double>& values) {
  double sum = 0;
  size_t n = 0;
  for (double v : values)
    if (v > -1) sum += v, ++n;
  return n ? sum / double(n) : -1;
}

}  // namespace

const char* toString(CocoIouType type) { return type == CocoIouType::Box ? "bbox" : "segm"; }

const std::array<const char*, 12>& cocoStatNames() {
  static const std::array<const char*, 12> names = {"AP",  "AP50", "AP75",  "APs", "APm", "APl",
                                                    "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};
  return names;
}

CocoMetrics evaluateCoco(const CocoDataset& ground_truth, const std::vector<CocoInstance>& detections,
                         CocoIouType type) {
  // Sorted, unique image and category ids (params.imgIds / catIds).
  std::set<int64_t> image_set, category_set;
  for (const CocoImage& i : ground_truth.images) image_set.insert(i.id);
  for (const CocoCategory& c : ground_truth.categories) category_set.insert(c.id);
  const std::vector<int64_t> images(image_set.begin(), image_set.end());
  const std::vector<int64_t> categories(category_set.begin(), category_set.end());
  std::map<int64_t, size_t> image_index, category_index;
  for (size_t i = 0; i < images.size(); ++i) image_index[images[i]] = i;
  for (size_t k = 0; k < categories.size(); ++k) category_index[categories[k]] = k;

  CocoMetrics out;
  out.type = type;
  out.images = int(images.size());
  std::map<std::pair<size_t, size_t>, Cell> cells;  // (category, image)
  for (size_t n = 0; n < ground_truth.annotations.size(); ++n) {
    const CocoInstance& a = ground_truth.annotations[n];
    const auto i = image_index.find(a.image_id);
    const auto k = category_index.find(a.category_id);
    if (i == image_index.end() || k == category_index.end()) continue;
    if (type == CocoIouType::Mask && a.mask.counts.empty())
      throw Error("mask evaluation needs a mask on every annotation; annotation " + std::to_string(n) + " of image " +
                  std::to_string(a.image_id) + " has none");
    cells[{k->second, i->second}].gt.push_back({&a, a.area, n});
    ++out.ground_truth;
  }
  for (size_t n = 0; n < detections.size(); ++n) {
    const CocoInstance& d = detections[n];
    const auto i = image_index.find(d.image_id);
    if (i == image_index.end())
      throw Error("detection " + std::to_string(n) + " is on image " + std::to_string(d.image_id) +
                  ", which the annotations do not list");
    const auto k = category_index.find(d.category_id);
    if (k == category_index.end()) continue;
    if (type == CocoIouType::Mask && d.mask.counts.empty())
      throw Error("mask evaluation needs a mask on every detection; detection " + std::to_string(n) + " has none");
    const double area = type == CocoIouType::Box ? d.bbox[2] * d.bbox[3] : double(cocoRleArea(d.mask));
    cells[{k->second, i->second}].dt.push_back({&d, area, n});
    ++out.detections;
  }
  for (auto& [key, cell] : cells) {
    std::stable_sort(cell.dt.begin(), cell.dt.end(),
                     [](const Object& a, const Object& b) { return a.instance->score > b.instance->score; });
    if (cell.dt.size() > size_t(kMaxDets.back())) cell.dt.resize(size_t(kMaxDets.back()));
    cell.iou.resize(cell.dt.size() * cell.gt.size());
    for (size_t d = 0; d < cell.dt.size(); ++d)
      for (size_t g = 0; g < cell.gt.size(); ++g)
        cell.iou[d * cell.gt.size() + g] = iouOf(cell.dt[d], cell.gt[g], type);
  }

  // accumulate(): precision[t][r][k][a][m] and recall[t][k][a][m], -1 where undefined.
  const size_t K = categories.size();
  const auto thresholds = iouThresholds();
  const auto recall_points = recallThresholds();
  std::vector<double> precision(size_t(kT) * kR * K * kA * kM, -1.0), recall(size_t(kT) * K * kA * kM, -1.0);
  const auto p_at = [&](int t, int r, size_t k, int a, int m) -> double& {
    return precision[(((size_t(t) * kR + size_t(r)) * K + k) * kA + size_t(a)) * kM + size_t(m)];
  };
  const auto r_at = [&](int t, size_t k, int a, int m) -> double& {
    return recall[((size_t(t) * K + k) * kA + size_t(a)) * kM + size_t(m)];
  };
  for (size_t k = 0; k < K; ++k) {
    const auto first = cells.lower_bound({k, 0}), last = cells.lower_bound({k + 1, 0});
    if (first == last) continue;
    for (int a = 0; a < kA; ++a) {
      std::vector<ImageEval> evals;  // image order
      for (auto it = first; it != last; ++it)
        evals.push_back(evaluateImage(it->second, kAreaRanges[size_t(a)], thresholds));
      int gt_counted = 0;
      for (const ImageEval& e : evals) gt_counted += e.gt_counted;
      if (gt_counted == 0) continue;
      for (int m = 0; m < kM; ++m) {
        struct Entry {
          double score;
          const ImageEval* e;
          size_t d;
        };
        std::vector<Entry> entries;
        for (const ImageEval& e : evals)
          for (size_t d = 0; d < std::min(e.scores.size(), size_t(kMaxDets[size_t(m)])); ++d)
            entries.push_back({e.scores[d], &e, d});
        std::stable_sort(entries.begin(), entries.end(),
                         [](const Entry& x, const Entry& y) { return x.score > y.score; });
        for (int t = 0; t < kT; ++t) {
          std::vector<double> rc, pr;
          double tp = 0, fp = 0;
          for (const Entry& x : entries) {
            if (x.e->dt_ignored[x.d][size_t(t)]) {
              // An ignored detection adds to neither sum, but keeps its place in the curve.
            } else if (x.e->dt_matched[x.d][size_t(t)]) {
              tp += 1;
            } else {
              fp += 1;
            }
            rc.push_back(tp / gt_counted);
            pr.push_back(tp / (fp + tp + std::numeric_limits<double>::epsilon()));
          }
          r_at(t, k, a, m) = rc.empty() ? 0 : rc.back();
          for (size_t i = pr.size(); i-- > 1;) pr[i - 1] = std::max(pr[i - 1], pr[i]);
          for (int r = 0; r < kR; ++r) {
            // np.searchsorted(rc, recThrs, side='left'); points past the curve keep precision 0.
            const size_t at = size_t(std::lower_bound(rc.begin(), rc.end(), recall_points[size_t(r)]) - rc.begin());
            p_at(t, r, k, a, m) = at < pr.size() ? pr[at] : 0.0;
          }
        }
      }
    }
  }

  // summarize().
  const auto ap = [&](int t_only, int a, int m) {
    std::vector<double> v;
    for (int t = 0; t < kT; ++t)
      if (t_only < 0 || t == t_only)
        for (int r = 0; r < kR; ++r)
          for (size_t k = 0; k < K; ++k) v.push_back(p_at(t, r, k, a, m));
    return meanOfDefined(v);
  };
  const auto ar = [&](int a, int m) {
    std::vector<double> v;
    for (int t = 0; t < kT; ++t)
      for (size_t k = 0; k < K; ++k) v.push_back(r_at(t, k, a, m));
    return meanOfDefined(v);
  };
  const int t75 = 5;  // thresholds[5] == .75
  out.stats = {ap(-1, 0, 2), ap(0, 0, 2), ap(t75, 0, 2), ap(-1, 1, 2), ap(-1, 2, 2), ap(-1, 3, 2),
               ar(0, 0),     ar(0, 1),    ar(0, 2),      ar(1, 2),     ar(2, 2),     ar(3, 2)};

  std::map<int64_t, std::string> names;
  for (const CocoCategory& c : ground_truth.categories) names.emplace(c.id, c.name);
  for (size_t k = 0; k < K; ++k) {
    CocoClassAp c;
    c.category_id = categories[k];
    c.name = names[categories[k]];
    for (const CocoInstance& a : ground_truth.annotations)
      if (a.category_id == c.category_id && !a.iscrowd && image_index.count(a.image_id)) ++c.instances;
    std::vector<double> all, at50;
    for (int t = 0; t < kT; ++t)
      for (int r = 0; r < kR; ++r) (t == 0 ? at50 : all).push_back(p_at(t, r, k, 0, 2));
    all.insert(all.end(), at50.begin(), at50.end());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    c.ap = meanOfDefined(all) > -1 ? meanOfDefined(all) : nan;
    c.ap50 = meanOfDefined(at50) > -1 ? meanOfDefined(at50) : nan;
    out.per_class.push_back(c);
  }
  return out;
}

}  // namespace revcol
