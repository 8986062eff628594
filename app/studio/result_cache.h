#pragma once
// Results of frames already analysed, so that stepping or scrubbing back to a frame shows it at
// once instead of running the model again. Least recently used entries go first once the cached
// results together exceed a byte budget (feature maps of every column are large: a RevCol-T frame
// at 224 holds about 12 MB).
#include <QString>
#include <cstddef>
#include <list>
#include <memory>
#include <unordered_map>

#include "inference_worker.h"

namespace revcol::studio {

class ResultCache {
 public:
  explicit ResultCache(size_t budget_bytes) : budget_(budget_bytes) {}

  // Stores (or replaces) the result of `key`, then evicts the oldest entries beyond the budget.
  // The newest entry always stays, even when it alone exceeds the budget. An empty key (a webcam
  // frame) is not stored.
  void put(const QString& key, std::shared_ptr<const AnalysisJobResult> result);
  // The result of `key` (and marks it most recently used), or null.
  std::shared_ptr<const AnalysisJobResult> get(const QString& key);
  bool contains(const QString& key) const { return index_.count(key.toStdString()) > 0; }
  void clear();

  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }
  size_t budget() const { return budget_; }

  // Approximate memory held by a result (its float arrays and images).
  static size_t bytesOf(const AnalysisJobResult& result);

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const AnalysisJobResult> result;
    size_t bytes = 0;
  };
  void evict();

  size_t budget_;
  size_t bytes_ = 0;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace revcol::studio
