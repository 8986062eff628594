// The batch exporter: frame sources -> preprocessing -> model.analyze -> figures and records on
// disk, through a FramePipeline (decode thread, inference thread, render pool, ordered writer).
#include "revcol/export.h"

#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "export_files.h"
#include "revcol/atomic_file.h"
#include "revcol/disentanglement.h"
#include "revcol/error.h"
#include "revcol/feature_grid_image.h"
#include "revcol/image_io.h"
#include "revcol/level_name.h"
#include "revcol/npy.h"
#include "revcol/result_json.h"
#include "revcol/sha256.h"
#include "revcol/version.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace revcol {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

const char* colormapName(ColormapId c) {
  switch (c) {
    case ColormapId::Viridis:
      return "viridis";
    case ColormapId::Magma:
      return "magma";
    case ColormapId::Gray:
      return "gray";
  }
  return "?";
}

struct InputPlan {
  std::string input, name;
  SourceKind kind = SourceKind::Image;
  std::string error;               // set when the input cannot be used at all
  std::vector<std::string> files;  // folders: the listing (index -> file)
  int64_t first_unit = 0, units = 1;
  int64_t expected = 0;  // frames of this shard, -1 unknown
  double fps = 0;        // videos
  bool owned = false;    // this shard has at least one of its units
};

struct Item {
  enum class Kind { Begin, Frame, End };
  Kind kind = Kind::Frame;
  size_t input = 0;
  Frame frame;
  std::string key;
  bool resumed = false;
  std::string error;  // this frame (or, for Begin, this input) failed
  FloatArray chw;
  AnalysisResult result;
  json record;                // the frame record (written by render, or read back when resumed)
  cv::Mat overlay, features;  // for the MP4s of videos
  double infer_s = 0, render_s = 0;
  json cka;  // End items with cka: the heat maps of the input (or {"error": ...})
};

class Exporter {
 public:
  Exporter(RevColModel& model, const ExportOptions& o, const std::function<void(const ExportProgress&)>& progress)
      : model_(model), o_(o), progress_(progress), out_(o.out_dir) {
    if (o.shard_count < 1 || o.shard_index < 0 || o.shard_index >= o.shard_count)
      throw Error("--shard must be I/N with 0 <= I < N");
    if (o.inputs.empty()) throw Error("no inputs to export");
    if (o.cell < 8 || o.cell > 2048) throw Error("grid cell width must be 8 to 2048 pixels");
    std::error_code ec;
    fs::create_directories(out_, ec);
    if (!fs::is_directory(out_)) throw Error("cannot create output folder " + out_.string());
    suffix_ = o.shard_count > 1 ? ".shard-" + std::to_string(o.shard_index) + "-of-" + std::to_string(o.shard_count)
                                : std::string();
    const Architecture& arch = model.info().architecture;
    columns_ = arch.columns;
    fingerprint_ = makeFingerprint();
    plan();
    analysis_.features = o.features || o.raw || o.cka;
    analysis_.added_maps = false;
    analysis_.decoders = false;
    analysis_.precisions.clear();
    analysis_.modes = {ReconstructionMode::Step};
    if (o.errors) analysis_.precisions = {Precision::Float32};
  }

  ExportSummary run() {
    const Clock::time_point start = Clock::now();
    const std::string started_utc = utcNow();
    FramePipeline<Item> pipeline(o_.pipeline);
    FramePipeline<Item>::Stages stages;
    stages.produce = [this](Item& it) { return produce(it); };
    stages.infer = [this](Item& it) { infer(it); };
    stages.render = [this](Item& it) { render(it); };
    stages.consume = [this](Item& it) { consume(it); };
    run_start_ = start;
    pipeline.run(stages);
    // An input cut short by a stop leaves no streamed file behind.
    csv_.abandon();
    results_json_.abandon();
    overlay_video_.abandon();
    features_video_.abandon();
    summary_.seconds = secondsSince(start);
    summary_.interrupted = stopRequested();
    summary_.manifest = writeManifest(started_utc);
    return summary_;
  }

 private:
  bool stopRequested() const { return o_.stop && o_.stop->load(); }

  static std::string utcNow() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
  }

  // ---- planning ---------------------------------------------------------------------------------

  std::string makeFingerprint() const {
    json f = {{"checkpoint_sha256", o_.checkpoint_sha256},
              {"what", {o_.overlay, o_.features, o_.errors, o_.raw, o_.cka}},
              {"preprocess", preprocessJson()},
              {"colormap", colormapName(o_.colormap)},
              {"cell", o_.cell},
              {"class_names", sha256Hex(json(o_.class_names).dump())}};
    return sha256Hex(f.dump()).substr(0, 16);
  }

  json preprocessJson() const { return toJson(o_.preprocess, o_.preprocess_name); }

  void plan() {
    const std::vector<std::string> names = exporter::inputNames(o_.inputs);
    const ShardUnits units = shardUnits(o_.inputs, o_.source);
    for (size_t i = 0; i < o_.inputs.size(); ++i) {
      InputPlan p;
      p.input = o_.inputs[i];
      p.name = names[i];
      p.first_unit = units.first[i];
      p.units = units.count[i];
      try {
        p.kind = classifyInput(p.input);
        if (p.kind == SourceKind::Folder) {
          p.files = listImageFiles(p.input, o_.source.recursive);
          p.expected = 0;
          for (int64_t k = 0; k < p.units; ++k) p.expected += ownsUnit(p.first_unit + k) ? 1 : 0;
        } else if (p.kind == SourceKind::Video) {
          if (ownsUnit(p.first_unit)) {
            const auto source = openFrameSource(p.input, o_.source);
            p.expected = source->expectedFrames();
            p.fps = source->fps();
          }
        } else {
          p.expected = p.kind == SourceKind::Webcam ? -1 : 1;
        }
      } catch (const Error& e) {
        p.error = e.what();
        p.expected = 0;
      }
      p.owned = false;
      for (int64_t k = 0; k < p.units && !p.owned; ++k) p.owned = ownsUnit(p.first_unit + k);
      if (!p.owned) p.expected = 0;
      if (p.expected < 0) total_ = -1;
      if (total_ >= 0) total_ += p.expected;
      plans_.push_back(std::move(p));
    }
  }

  bool ownsUnit(int64_t unit) const { return unit % o_.shard_count == o_.shard_index; }

  bool ownsFrame(const InputPlan& p, int64_t index) const {
    if (p.kind != SourceKind::Folder) return p.owned;
    return ownsUnit(p.first_unit + index / std::max(1, o_.source.stride));
  }

  std::string frameKey(const InputPlan& p, int64_t index) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "f%06lld", static_cast<long long>(index));
    std::string key = buf;
    if (p.kind == SourceKind::Folder && size_t(index) < p.files.size())
      key += "_" + exporter::sanitizeName(fs::path(p.files[size_t(index)]).stem().string());
    return key;
  }

  fs::path recordPath(const InputPlan& p, const std::string& key) const {
    return out_ / p.name / "frames" / (key + ".json");
  }

  // A frame is finished when its record exists, was made with the same settings, and every file
  // it lists is there (the record is written last, so this holds after any interruption).
  bool finished(const InputPlan& p, const std::string& key, json* record = nullptr) const {
    std::error_code ec;
    const fs::path path = recordPath(p, key);
    if (!fs::is_regular_file(path, ec)) return false;
    std::ifstream in(path);
    json r = json::parse(in, nullptr, false);
    if (r.is_discarded() || !r.is_object() || r.value("fingerprint", "") != fingerprint_ || !r.contains("files"))
      return false;
    for (const json& f : r["files"])
      if (!f.is_string() || !fs::is_regular_file(out_ / f.get<std::string>(), ec)) return false;
    if (record) *record = std::move(r);
    return true;
  }

  // ---- decode thread ------------------------------------------------------------------------------

  bool produce(Item& it) {
    while (true) {
      if (stopRequested() && !ended_on_stop_) {
        ended_on_stop_ = true;
        // A webcam has no end but the stop: finish it properly. Anything else stays unfinished.
        if (source_ && plans_[cur_].kind == SourceKind::Webcam) {
          it.kind = Item::Kind::End;
          it.input = cur_;
          source_.reset();
          return true;
        }
        return false;
      }
      if (ended_on_stop_ || cur_ >= plans_.size()) return false;
      InputPlan& p = plans_[cur_];
      if (!source_) {
        if (begun_) {  // the previous input is done
          begun_ = false;
          ++cur_;
          continue;
        }
        if (!p.owned) {
          ++cur_;
          continue;
        }
        it.kind = Item::Kind::Begin;
        it.input = cur_;
        it.error = p.error;
        if (it.error.empty()) {
          try {
            // Created here, before any frame of the input reaches the render threads.
            std::vector<std::string> subs = {"frames"};
            if (o_.overlay) subs.push_back("overlay");
            if (o_.features) subs.push_back("features");
            if (o_.errors) subs.push_back("errors");
            if (o_.raw) subs.push_back("raw");
            for (const std::string& sub : subs) {
              std::error_code ec;
              fs::create_directories(out_ / p.name / sub, ec);
              if (!fs::is_directory(out_ / p.name / sub))
                throw Error("cannot create folder " + (out_ / p.name / sub).string());
            }
            FrameSourceOptions so = o_.source;
            so.want_pixels = [this, &p](int64_t index) {
              // CKA needs the features of every frame, so finished frames are decoded again.
              return ownsFrame(p, index) &&
                     (o_.cka || !(o_.resume && p.kind != SourceKind::Webcam && finished(p, frameKey(p, index))));
            };
            source_ = openFrameSource(p.input, so);
            begun_ = true;
          } catch (const Error& e) {
            it.error = e.what();
          }
        }
        if (!it.error.empty()) ++cur_;
        return true;
      }
      Frame f;
      if (!source_->next(f)) {
        source_.reset();
        it.kind = Item::Kind::End;
        it.input = cur_;
        return true;
      }
      if (!ownsFrame(p, f.index)) continue;
      it.kind = Item::Kind::Frame;
      it.input = cur_;
      it.key = frameKey(p, f.index);
      it.resumed = f.status == Frame::Status::Skipped ||
                   (o_.cka && o_.resume && p.kind != SourceKind::Webcam && finished(p, it.key));
      if (f.status == Frame::Status::Failed) it.error = f.error;
      if (f.status == Frame::Status::Decoded) {
        try {
          it.chw = preprocessImagenet(f.rgb, o_.preprocess);
        } catch (const Error& e) {
          it.error = f.file + ": " + e.what();
        }
        if (!o_.overlay) f.rgb.release();  // only the overlay needs the pixels again
      }
      it.frame = std::move(f);
      return true;
    }
  }

  // ---- inference thread ---------------------------------------------------------------------------

  void infer(Item& it) {
    if (o_.cka && it.kind == Item::Kind::Begin) startCka();
    if (o_.cka && it.kind == Item::Kind::End) it.cka = finishCka();
    if (it.kind != Item::Kind::Frame || !it.error.empty() || (it.resumed && !o_.cka)) return;
    const Clock::time_point t = Clock::now();
    try {
      AnalysisResult result = model_.analyze(it.chw, analysis_);
      if (o_.cka) addToCka(it, result);
      if (!it.resumed) it.result = std::move(result);  // a finished frame only feeds the CKA
    } catch (const Error& e) {
      it.error = plans_[it.input].input + " frame " + std::to_string(it.frame.index) + ": " + e.what();
    }
    it.chw = FloatArray{};
    it.infer_s = secondsSince(t);
  }

  // ---- CKA over an input's frames (inference thread, frame order) ---------------------------------

  void startCka() {
    cka_.emplace(o_.cka_budget_bytes);
    cka_class_.clear();
    cka_names_ = json::array();
    cka_left_out_ = 0;
  }

  // The class of a folder image read recursively: the sub-folder directly under the input.
  int64_t ckaLabel(const Item& it) {
    const InputPlan& p = plans_[it.input];
    if (p.kind != SourceKind::Folder || !o_.source.recursive) return -1;
    const fs::path rel = fs::path(it.frame.file).lexically_relative(p.input);
    if (std::distance(rel.begin(), rel.end()) < 2) return -1;
    const std::string name = rel.begin()->string();
    auto [entry, added] = cka_class_.emplace(name, int64_t(cka_class_.size()));
    if (added) cka_names_.push_back(name);
    return entry->second;
  }

  void addToCka(const Item& it, const AnalysisResult& result) {
    if (!cka_->add(it.chw, result, ckaLabel(it))) ++cka_left_out_;
  }

  json finishCka() {
    json j;
    try {
      j = toJson(cka_->compute());
    } catch (const Error& e) {
      j = {{"error", e.what()}, {"images", cka_->images()}};
    }
    j["label_names"] = cka_names_;
    j["left_out_over_memory_budget"] = cka_left_out_;
    return j;
  }

  // ---- render threads -----------------------------------------------------------------------------

  json headJson(const HeadOutput& h) const {
    json top = json::array();
    for (const TopClass& t : h.top) {
      const std::string name = size_t(t.index) < o_.class_names.size() ? o_.class_names[size_t(t.index)]
                                                                       : "class " + std::to_string(t.index);
      top.push_back({{"index", t.index}, {"name", name}, {"probability", t.probability}, {"logit", t.logit}});
    }
    return {{"head", h.head}, {"column", h.column}, {"top", top}};
  }

  json sidecarBase(const InputPlan& p, const Item& it, const std::string& figure, const std::string& file) const {
    return {{"figure", figure},
            {"file", file},
            {"checkpoint", {{"file", o_.checkpoint_file}, {"sha256", o_.checkpoint_sha256}}},
            {"input", p.input},
            {"frame", {{"index", it.frame.index}, {"timestamp_s", it.frame.timestamp_s}, {"file", it.frame.file}}},
            {"preprocess", preprocessJson()},
            {"tool", "revcol-cli export " + versionString()}};
  }

  void render(Item& it) {
    if (it.kind != Item::Kind::Frame || !it.error.empty()) return;
    const InputPlan& p = plans_[it.input];
    const bool video = p.kind == SourceKind::Video || p.kind == SourceKind::Webcam;
    const Clock::time_point t = Clock::now();
    try {
      if (it.resumed) {
        if (!finished(p, it.key, &it.record))
          throw Error("finished frame " + it.key + " of " + p.input + " changed on disk");
        if (video && o_.videos) {  // the MP4s are rebuilt from the finished frames' PNGs
          if (o_.overlay) it.overlay = loadImageRgb((out_ / p.name / "overlay" / (it.key + ".png")).string());
          if (o_.features) it.features = loadImageRgb((out_ / p.name / "features" / (it.key + ".png")).string());
        }
        return;
      }
      renderFresh(p, it, video);
    } catch (const std::exception& e) {  // revcol::Error, or cv::Exception from drawing / encoding
      it.error = e.what();
    }
    it.render_s = secondsSince(t);
  }

  void renderFresh(const InputPlan& p, Item& it, bool video) {
    const Clock::time_point t0 = Clock::now();
    const AnalysisResult& r = it.result;
    json files = json::array();
    const std::string rel = p.name + "/";
    auto figure = [&](const std::string& kind, const cv::Mat& img, json sidecar) {
      const std::string png = rel + kind + "/" + it.key + ".png";
      const std::string side = rel + kind + "/" + it.key + ".json";
      saveImageAtomic((out_ / png).string(), img);
      json s = sidecarBase(p, it, kind, png);
      s.update(sidecar);
      writeFileAtomic((out_ / side).string(), s.dump(2) + "\n");
      files.push_back(png);
      files.push_back(side);
    };
    const HeadOutput* last_head = r.heads.empty() ? nullptr : &r.heads.back();
    if (o_.overlay) {
      cv::Mat img = renderClassificationOverlay(it.frame.rgb, last_head, o_.class_names);
      json s = {{"head", last_head ? last_head->head : -1},
                {"column", last_head ? json(last_head->column) : json(nullptr)},
                {"level", nullptr},
                {"level_name", nullptr},
                {"top", last_head ? last_head->top.size() : 0},
                {"reduction", nullptr},
                {"normalization", nullptr},
                {"colormap", nullptr}};
      figure("overlay", img, s);
      if (video && o_.videos) it.overlay = img;
    }
    std::vector<int> all_columns, all_levels = {0, 1, 2, 3};
    // Beside the numeric "level" (kept for scripts that read it): the names the figures' rows carry.
    std::vector<std::string> all_level_names;
    for (int l : all_levels) all_level_names.push_back(levelName(l));
    for (int c = 0; c < columns_; ++c) all_columns.push_back(c);
    if (o_.features) {
      FeatureGridStyle style;
      style.cell = o_.cell;
      style.colormap = o_.colormap;
      cv::Mat img = renderFeatureGrid(r.columns, style);
      json s = {{"layout",
                 "rows: levels 0-3 = c0 (1/4) .. c3 (1/32) (top to bottom); columns: network columns (left to right)"},
                {"column", all_columns},
                {"level", all_levels},
                {"level_name", all_level_names},
                {"reduction", "mean_abs"},
                {"normalization", "per level over all columns of this frame, 1st-99th percentile"},
                {"colormap", colormapName(o_.colormap)},
                {"cell_px", o_.cell}};
      figure("features", img, s);
      if (video && o_.videos) it.features = img;
    }
    if (o_.errors && !r.reconstructions.empty() && !r.reconstructions[0].columns.empty()) {
      cv::Mat img = renderErrorGrid(r.reconstructions[0], o_.cell, ColormapId::Magma);
      std::vector<int> targets;
      for (const ColumnReconstruction& c : r.reconstructions[0].columns) targets.push_back(c.target);
      json s = {
          {"layout",
           "rows: levels 0-3 = c0 (1/4) .. c3 (1/32); columns: column k's features recovered by inverting column k+1"},
          {"column", targets},
          {"level", all_levels},
          {"level_name", all_level_names},
          {"reduction", "mean over channels of |c' - c|"},
          {"normalization", "per level over all columns of this frame, 0 to maximum"},
          {"colormap", "magma"},
          {"precision", "fp32"},
          {"mode", "step"},
          {"cell_px", o_.cell}};
      figure("errors", img, s);
    }
    if (o_.raw) {
      const std::string dir = rel + "raw/" + it.key;
      std::error_code ec;
      fs::create_directories(out_ / dir, ec);
      for (const ColumnAnalysis& c : r.columns)
        for (int l = 0; l < 4; ++l) {
          const std::string npy = dir + "/col" + std::to_string(c.column) + "_level" + std::to_string(l) + ".npy";
          saveNpy((out_ / npy).string(), c.levels[size_t(l)]);
          files.push_back(npy);
        }
      for (const HeadOutput& h : r.heads) {
        const std::string npy = dir + "/head" + std::to_string(h.head) + "_logits.npy";
        saveNpy((out_ / npy).string(), FloatArray{{int64_t(h.logits.size())}, h.logits});
        files.push_back(npy);
      }
    }
    json heads = json::array();
    for (const HeadOutput& h : r.heads) heads.push_back(headJson(h));
    json record = {
        {"input", p.input},
        {"name", p.name},
        {"key", it.key},
        {"frame", {{"index", it.frame.index}, {"timestamp_s", it.frame.timestamp_s}, {"file", it.frame.file}}},
        {"fingerprint", fingerprint_},
        {"heads", heads}};
    if (o_.errors && !r.reconstructions.empty()) {
      json cols = json::array();
      for (const ColumnReconstruction& c : r.reconstructions[0].columns) {
        json levels = json::array();
        for (int l = 0; l < 4; ++l)
          levels.push_back({{"level", l},
                            {"level_name", levelName(l)},
                            {"rel_l2", c.levels[size_t(l)].rel_l2},
                            {"max_abs", c.levels[size_t(l)].max_abs}});
        cols.push_back({{"target", c.target}, {"levels", levels}});
      }
      record["reconstruction"] = {{"precision", "fp32"}, {"mode", "step"}, {"columns", cols}};
    }
    files.push_back(rel + "frames/" + it.key + ".json");
    record["files"] = files;
    record["timing"] = {{"infer_ms", it.infer_s * 1e3}, {"render_ms", secondsSince(t0) * 1e3}};
    // Written last: once it exists, every file above is complete (each was renamed into place).
    writeFileAtomic(recordPath(p, it.key).string(), record.dump(2) + "\n");
    it.record = std::move(record);
    it.result = AnalysisResult{};
    it.frame.rgb.release();
  }

  // ---- writer thread (frame order) ----------------------------------------------------------------

  std::string csvHeader() const {
    std::string h = "input,frame,timestamp_s,file,head_column";
    for (int k = 1; k <= 5; ++k) {
      const std::string n = "top" + std::to_string(k);
      h += "," + n + "_index," + n + "_name," + n + "_probability";
    }
    if (o_.errors)
      for (int t = 0; t + 1 < columns_; ++t)
        for (int l = 0; l < 4; ++l) h += ",rel_l2_col" + std::to_string(t) + "_level" + std::to_string(l);
    return h + "\n";
  }

  std::string csvRow(const InputPlan& p, const json& r) const {
    std::string row = exporter::csvField(p.input) + "," + std::to_string(r["frame"]["index"].get<int64_t>()) + "," +
                      exporter::csvNumber(r["frame"]["timestamp_s"].get<double>()) + "," +
                      exporter::csvField(r["frame"]["file"].get<std::string>());
    const json& heads = r["heads"];
    const json* top = heads.empty() ? nullptr : &heads.back()["top"];
    row += "," + (heads.empty() ? std::string() : std::to_string(heads.back()["column"].get<int>()));
    for (size_t k = 0; k < 5; ++k) {
      if (top && k < top->size()) {
        const json& t = (*top)[k];
        row += "," + std::to_string(t["index"].get<int64_t>()) + "," +
               exporter::csvField(t["name"].get<std::string>()) + "," +
               exporter::csvNumber(t["probability"].get<double>());
      } else {
        row += ",,,";
      }
    }
    if (o_.errors) {
      const json* cols = r.contains("reconstruction") ? &r["reconstruction"]["columns"] : nullptr;
      for (int t = 0; t + 1 < columns_; ++t)
        for (int l = 0; l < 4; ++l) {
          row += ",";
          if (cols && size_t(t) < cols->size())
            row += exporter::csvNumber((*cols)[size_t(t)]["levels"][size_t(l)]["rel_l2"].get<double>());
        }
    }
    return row + "\n";
  }

  void fail(const InputPlan& p, const Item* it, const std::string& error) {
    json f = {{"input", p.input}, {"error", error}};
    if (it && it->kind == Item::Kind::Frame) {
      f["frame"] = it->frame.index;
      f["file"] = it->frame.file;
    }
    failures_.push_back(f);
    ++summary_.failures;
  }

  void consume(Item& it) {
    InputPlan& p = plans_[it.input];
    json& entry = inputEntry(it.input);
    try {
      if (it.kind == Item::Kind::Begin) {
        if (!it.error.empty()) {
          entry["status"] = "failed";
          fail(p, nullptr, it.error);
          return;
        }
        csv_.open((out_ / p.name / ("results" + suffix_ + ".csv")).string());
        csv_.write(csvHeader());
        results_json_.open((out_ / p.name / ("results" + suffix_ + ".json")).string());
        results_json_.write("{\n\"input\": " + json(p.input).dump() + ",\n\"kind\": \"" + toString(p.kind) +
                            "\",\n\"frames\": [");
        first_record_ = true;
        video_fps_ = 0;
        if (p.kind == SourceKind::Video || p.kind == SourceKind::Webcam) {
          video_fps_ = p.fps > 0 ? p.fps / o_.source.stride : 10.0;
          if (o_.videos && o_.overlay)
            overlay_video_.start((out_ / p.name / ("overlay" + suffix_ + ".mp4")).string(), video_fps_);
          if (o_.videos && o_.features)
            features_video_.start((out_ / p.name / ("features" + suffix_ + ".mp4")).string(), video_fps_);
        }
        return;
      }
      if (it.kind == Item::Kind::End) {
        if (o_.cka && !it.cka.is_null()) writeCka(p, it.cka, entry);
        results_json_.write("\n]\n}\n");
        csv_.commit();
        results_json_.commit();
        entry["results"] = {p.name + "/results" + suffix_ + ".csv", p.name + "/results" + suffix_ + ".json"};
        files_.push_back(p.name + "/results" + suffix_ + ".csv");
        files_.push_back(p.name + "/results" + suffix_ + ".json");
        for (auto* v : {&overlay_video_, &features_video_}) {
          const std::string name = v == &overlay_video_ ? "overlay" : "features";
          if (v->started() && v->commit()) {
            entry["videos"].push_back(p.name + "/" + name + suffix_ + ".mp4");
            files_.push_back(p.name + "/" + name + suffix_ + ".mp4");
          }
        }
        if (entry["status"] != "failed")
          entry["status"] = entry["failures"].get<int64_t>() > 0 ? "incomplete" : "complete";
        return;
      }
      // A frame.
      if (!it.error.empty()) {
        fail(p, &it, it.error);
        entry["failures"] = entry["failures"].get<int64_t>() + 1;
      } else {
        json r = it.record;
        for (const json& f : r["files"]) files_.push_back(f.get<std::string>());
        r.erase("files");
        r.erase("timing");
        r.erase("fingerprint");
        csv_.write(csvRow(p, r));
        results_json_.write(std::string(first_record_ ? "\n" : ",\n") + r.dump());
        first_record_ = false;
        if (!it.overlay.empty()) overlay_video_.write(it.overlay);
        if (!it.features.empty()) features_video_.write(it.features);
        entry["frames"] = entry["frames"].get<int64_t>() + 1;
        if (it.resumed)
          ++summary_.frames_resumed;
        else
          ++summary_.frames_processed;
        summary_.infer_seconds += it.infer_s;
        summary_.render_seconds += it.render_s;
      }
    } catch (const std::exception& e) {  // revcol::Error, or a malformed record read back from disk
      fail(p, &it, e.what());
      entry["status"] = "failed";
    }
    reportProgress();
  }

  void writeCka(const InputPlan& p, json cka, json& entry) {
    const std::string base = p.name + "/cka" + suffix_;
    cka["input"] = p.input;
    cka["checkpoint"] = {{"file", o_.checkpoint_file}, {"sha256", o_.checkpoint_sha256}};
    cka["preprocess"] = preprocessJson();
    cka["tool"] = "revcol-cli export " + versionString();
    writeFileAtomic((out_ / (base + ".json")).string(), cka.dump(2) + "\n");
    files_.push_back(base + ".json");
    entry["cka"] = base + ".json";
    if (cka.contains("error")) {
      fail(p, nullptr, "CKA: " + cka["error"].get<std::string>());
      return;
    }
    DisentanglementResult r;  // the CSV from the JSON just written, so both always agree
    auto grid = [](const json& g) {
      std::vector<std::array<double, 4>> v;
      for (const json& column : g) {
        std::array<double, 4> levels{};
        for (size_t l = 0; l < 4; ++l) levels[l] = column[l].is_null() ? std::nan("") : column[l].get<double>();
        v.push_back(levels);
      }
      return v;
    };
    r.vs_input = {"input", grid(cka["vs_input"])};
    if (!cka["vs_labels"].is_null()) r.vs_labels = CkaHeatmap{"labels", grid(cka["vs_labels"])};
    writeFileAtomic((out_ / (base + ".csv")).string(), disentanglementCsv(r));
    files_.push_back(base + ".csv");
  }

  json& inputEntry(size_t input) {
    std::string key = std::to_string(input);
    if (!inputs_.contains(key)) {
      const InputPlan& p = plans_[input];
      inputs_[key] = {{"input", p.input},
                      {"name", p.name},
                      {"kind", toString(p.kind)},
                      {"frames_expected", p.expected},
                      {"frames", 0},
                      {"failures", 0},
                      {"status", "incomplete"},
                      {"results", json::array()},
                      {"videos", json::array()}};
    }
    return inputs_[key];
  }

  void reportProgress() {
    if (!progress_) return;
    ExportProgress pr;
    pr.frames_resumed = summary_.frames_resumed;
    pr.frames_done = summary_.frames_processed + summary_.frames_resumed;
    pr.frames_total = total_;
    pr.failures = summary_.failures;
    const double elapsed = secondsSince(run_start_);
    pr.fps = elapsed > 0 ? double(summary_.frames_processed) / elapsed : 0;
    if (total_ >= 0 && pr.fps > 0) pr.eta_s = double(std::max<int64_t>(0, total_ - pr.frames_done)) / pr.fps;
    progress_(pr);
  }

  std::string writeManifest(const std::string& started_utc) {
    json inputs = json::array();
    for (size_t i = 0; i < plans_.size(); ++i) {
      if (!plans_[i].owned) continue;
      json e = inputEntry(i);
      if (!plans_[i].error.empty()) e["status"] = "failed";
      inputs.push_back(e);
    }
    const bool complete = summary_.failures == 0 && !stopRequested();
    json m = {
        {"tool", "revcol-cli export"},
        {"version", versionString()},
        {"checkpoint", {{"file", o_.checkpoint_file}, {"sha256", o_.checkpoint_sha256}}},
        {"options",
         {{"what", {{"overlay", o_.overlay}, {"features", o_.features}, {"errors", o_.errors}, {"raw", o_.raw}}},
          {"videos", o_.videos},
          {"stride", o_.source.stride},
          {"start_s", o_.source.start_s},
          {"end_s", o_.source.end_s},
          {"recursive", o_.source.recursive},
          {"preprocess", preprocessJson()},
          {"colormap", colormapName(o_.colormap)},
          {"cell_px", o_.cell},
          {"shard", {{"index", o_.shard_index}, {"count", o_.shard_count}}},
          {"fingerprint", fingerprint_}}},
        {"complete", complete},
        {"inputs", inputs},
        {"failures", failures_},
        {"files", files_},
        {"this_run",
         {{"started_utc", started_utc},
          {"seconds", summary_.seconds},
          {"interrupted", stopRequested()},
          {"frames_processed", summary_.frames_processed},
          {"frames_resumed", summary_.frames_resumed},
          {"fps", summary_.seconds > 0 ? double(summary_.frames_processed) / summary_.seconds : 0.0},
          {"infer_ms_per_frame",
           summary_.frames_processed ? summary_.infer_seconds * 1e3 / double(summary_.frames_processed) : 0.0},
          {"render_ms_per_frame",
           summary_.frames_processed ? summary_.render_seconds * 1e3 / double(summary_.frames_processed) : 0.0}}}};
    const fs::path path = out_ / ("manifest" + suffix_ + ".json");
    writeFileAtomic(path.string(), m.dump(2) + "\n");
    return path.string();
  }

  RevColModel& model_;
  const ExportOptions& o_;
  std::function<void(const ExportProgress&)> progress_;
  fs::path out_;
  std::string suffix_, fingerprint_;
  int columns_ = 0;
  AnalysisOptions analysis_;
  std::vector<InputPlan> plans_;
  int64_t total_ = 0;
  Clock::time_point run_start_;

  // decode thread
  size_t cur_ = 0;
  std::unique_ptr<FrameSource> source_;
  bool begun_ = false;
  bool ended_on_stop_ = false;

  // inference thread: CKA of the current input
  std::optional<CkaCollector> cka_;
  std::map<std::string, int64_t> cka_class_;
  json cka_names_ = json::array();
  int64_t cka_left_out_ = 0;

  // writer thread
  exporter::StreamedFile csv_, results_json_;
  exporter::StreamedVideo overlay_video_, features_video_;
  bool first_record_ = true;
  double video_fps_ = 0;
  json inputs_ = json::object();
  json failures_ = json::array();
  std::vector<std::string> files_;
  ExportSummary summary_;
};

}  // namespace

ShardUnits shardUnits(const std::vector<std::string>& inputs, const FrameSourceOptions& source) {
  ShardUnits u;
  int64_t next = 0;
  const int64_t stride = std::max(1, source.stride);
  for (const std::string& in : inputs) {
    int64_t count = 1;
    try {
      if (classifyInput(in) == SourceKind::Folder) {
        const int64_t n = int64_t(listImageFiles(in, source.recursive).size());
        count = n == 0 ? 1 : (n - 1) / stride + 1;  // an empty folder still gets an (empty) result
      }
    } catch (const Error&) {
      count = 1;  // reported by the shard that owns it
    }
    u.first.push_back(next);
    u.count.push_back(count);
    next += count;
  }
  return u;
}

ExportSummary runBatchExport(RevColModel& model, const ExportOptions& options,
                             const std::function<void(const ExportProgress&)>& progress) {
  Exporter exporter(model, options, progress);
  return exporter.run();
}

}  // namespace revcol
