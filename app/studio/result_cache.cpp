#include "result_cache.h"

namespace revcol::studio {
namespace {

size_t arrayBytes(const FloatArray& a) { return a.values.size() * sizeof(float); }
size_t matBytes(const cv::Mat& m) { return m.empty() ? 0 : m.total() * m.elemSize(); }

}  // namespace

size_t ResultCache::bytesOf(const AnalysisJobResult& r) {
  size_t n = sizeof(AnalysisJobResult) + arrayBytes(r.input) + matBytes(r.frame_rgb) + matBytes(r.segmentation.labels);
  for (const ColumnAnalysis& c : r.analysis.columns)
    for (int l = 0; l < 4; ++l) n += arrayBytes(c.levels[size_t(l)]) + arrayBytes(c.added[size_t(l)]);
  for (const Reconstruction& rec : r.analysis.reconstructions)
    for (const ColumnReconstruction& c : rec.columns)
      for (const LevelError& e : c.levels) n += arrayBytes(e.map);
  for (const FloatArray& d : r.analysis.decoder_images) n += arrayBytes(d);
  for (const DetectedObject& o : r.detections) n += sizeof(o) + matBytes(o.mask);
  return n;
}

void ResultCache::put(const QString& key, std::shared_ptr<const AnalysisJobResult> result) {
  if (key.isEmpty()) return;  // live frames have no key: never the same frame twice
  const std::string k = key.toStdString();
  if (auto it = index_.find(k); it != index_.end()) {
    bytes_ -= it->second->bytes;
    entries_.erase(it->second);
    index_.erase(it);
  }
  const size_t n = result ? bytesOf(*result) : 0;
  entries_.push_front(Entry{k, std::move(result), n});
  index_[k] = entries_.begin();
  bytes_ += n;
  evict();
}

std::shared_ptr<const AnalysisJobResult> ResultCache::get(const QString& key) {
  auto it = index_.find(key.toStdString());
  if (it == index_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->result;
}

void ResultCache::clear() {
  entries_.clear();
  index_.clear();
  bytes_ = 0;
}

void ResultCache::evict() {
  while (bytes_ > budget_ && entries_.size() > 1) {
    const Entry& last = entries_.back();
    bytes_ -= last.bytes;
    index_.erase(last.key);
    entries_.pop_back();
  }
}

}  // namespace revcol::studio
