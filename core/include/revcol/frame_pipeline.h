#pragma once
// A four-stage frame pipeline: produce (decode) -> infer (the calling thread, owns the model) -> render
// (a pool of threads, any order) -> consume (one thread, in production order). Stages are joined
// by bounded queues, so a slow stage holds the ones before it back (backpressure) and at most
//   queue_capacity * 3 + render_threads + 2
// items exist at once, however many frames the source has: the memory ceiling is that many frames'
// results. Items reach consume() in the order produce() made them, so output that depends on
// order (an MP4, a CSV) is the same on every run.
//
// Threading contract: infer runs on the calling thread, every other stage on its own thread(s);
// run() blocks until all are done. Infer stays on the caller because libgomp keeps one OpenMP
// thread pool per thread that starts parallel regions, and once a process has more pool threads
// than cores it stops spinning between regions: a model loaded (and so first run) on one thread and
// run on another went 40 % slower (RevCol-T analysis, 2 cores: 88 -> 123 ms). The first exception
// thrown by any stage stops every stage (queues are closed) and is rethrown by run(). cancel() (from any thread, e.g. a
// signal watcher) makes produce stop at its next item; the items already produced still flow through.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace revcol {

// A blocking FIFO with a fixed capacity. close() wakes everyone: push() then drops its item and
// returns false, pop() returns what is left and then nullopt.
template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  bool push(T item) {
    std::unique_lock<std::mutex> lock(m_);
    not_full_.wait(lock, [this] { return closed_ || q_.size() < capacity_; });
    if (closed_) return false;
    q_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(m_);
    not_empty_.wait(lock, [this] { return closed_ || !q_.empty(); });
    if (q_.empty()) return std::nullopt;
    T item = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return item;
  }
  void close() {
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(m_);
    return q_.size();
  }

 private:
  const size_t capacity_;
  mutable std::mutex m_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> q_;
  bool closed_ = false;
};

struct FramePipelineOptions {
  size_t queue_capacity = 4;  // items between two stages
  int render_threads = 2;     // threads running the render stage
};

template <class Item>
class FramePipeline {
 public:
  struct Stages {
    std::function<bool(Item&)> produce;  // fills the next item; false when there are no more
    std::function<void(Item&)> infer;    // one thread, in order
    std::function<void(Item&)> render;   // render_threads threads, any order
    std::function<void(Item&)> consume;  // one thread, in produce order
  };

  explicit FramePipeline(FramePipelineOptions options = {}) : o_(options) {}

  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }

  void run(const Stages& s) {
    using Numbered = std::pair<uint64_t, Item>;
    BoundedQueue<Numbered> to_infer(o_.queue_capacity), to_render(o_.queue_capacity), to_consume(o_.queue_capacity);
    std::mutex error_mutex;
    std::exception_ptr error;
    // Renderers finish out of order, so the writer may hold finished items while it waits for an
    // earlier one. The inference thread lets an item through only while it is within `window`
    // items of the next one to consume, which bounds that reorder buffer.
    const int threads = o_.render_threads < 1 ? 1 : o_.render_threads;
    const uint64_t window = uint64_t(threads) + 2 * o_.queue_capacity;
    std::mutex window_mutex;
    std::condition_variable window_cv;
    uint64_t consumed = 0;
    bool failed = false;  // guarded by window_mutex
    auto fail = [&](std::exception_ptr e) {
      {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = e;
      }
      {
        std::lock_guard<std::mutex> lock(window_mutex);
        failed = true;
      }
      window_cv.notify_all();
      cancelled_ = true;
      to_infer.close();
      to_render.close();
      to_consume.close();
    };
    auto guarded = [&](auto body) {
      return [&, body]() {
        try {
          body();
        } catch (...) {
          fail(std::current_exception());
        }
      };
    };

    std::thread producer(guarded([&] {
      for (uint64_t n = 0; !cancelled_; ++n) {
        Item item{};
        if (!s.produce(item)) break;
        if (!to_infer.push({n, std::move(item)})) break;
      }
      to_infer.close();
    }));
    auto inferrer = guarded([&] {
      while (auto it = to_infer.pop()) {
        s.infer(it->second);
        {
          std::unique_lock<std::mutex> lock(window_mutex);
          window_cv.wait(lock, [&] { return it->first < consumed + window || failed; });
        }
        if (!to_render.push(std::move(*it))) break;
      }
      to_render.close();
    });
    std::atomic<int> renderers_left{threads};
    std::vector<std::thread> renderers;
    for (int i = 0; i < threads; ++i)
      renderers.emplace_back(guarded([&] {
        struct LastOut {  // the last renderer to leave closes the consumer's queue
          std::atomic<int>& left;
          BoundedQueue<Numbered>& q;
          ~LastOut() {
            if (--left == 0) q.close();
          }
        } last{renderers_left, to_consume};
        while (auto it = to_render.pop()) {
          s.render(it->second);
          if (!to_consume.push(std::move(*it))) break;
        }
      }));
    std::thread consumer(guarded([&] {
      // Reorder: renderers finish out of order; the window keeps this map small.
      std::map<uint64_t, Item> waiting;
      uint64_t next = 0;
      while (auto it = to_consume.pop()) {
        waiting.emplace(it->first, std::move(it->second));
        for (auto w = waiting.find(next); w != waiting.end(); w = waiting.find(next)) {
          s.consume(w->second);
          waiting.erase(w);
          ++next;
          {
            std::lock_guard<std::mutex> lock(window_mutex);
            consumed = next;
          }
          window_cv.notify_all();
        }
      }
    }));
    inferrer();  // on the calling thread: see the threading contract above
    producer.join();
    for (std::thread& t : renderers) t.join();
    consumer.join();
    if (error) std::rethrow_exception(error);
  }

 private:
  FramePipelineOptions o_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace revcol
