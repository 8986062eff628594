#pragma once
// OpenGL textures from 8-bit RGB images, and the framebuffer read back for --screenshot.
// Render thread only (the GL context lives there).
#include <cstdint>
#include <opencv2/core.hpp>

namespace revcol::live {

class Texture {
 public:
  Texture() = default;
  ~Texture();
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;
  Texture(Texture&& o) noexcept;
  Texture& operator=(Texture&& o) noexcept;

  // Uploads rgb (8-bit, 3 channels); nearest filtering keeps feature-map pixels sharp. Reuses the
  // texture storage when the size is unchanged. An empty image clears the texture.
  void upload(const cv::Mat& rgb, bool nearest);
  bool valid() const { return id_ != 0 && width_ > 0; }
  void* imguiId() const { return reinterpret_cast<void*>(static_cast<intptr_t>(id_)); }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  unsigned id_ = 0;
  int width_ = 0;
  int height_ = 0;
};

// The current back buffer (call after rendering, before swapping) as 8-bit RGB, top row first.
cv::Mat readFramebuffer(int width, int height);

}  // namespace revcol::live
