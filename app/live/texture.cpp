#include "texture.h"

#include <GL/gl.h>

#include <opencv2/core.hpp>
#include <utility>

namespace revcol::live {

Texture::~Texture() {
  if (id_) glDeleteTextures(1, &id_);
}

Texture::Texture(Texture&& o) noexcept { *this = std::move(o); }

Texture& Texture::operator=(Texture&& o) noexcept {
  std::swap(id_, o.id_);
  std::swap(width_, o.width_);
  std::swap(height_, o.height_);
  return *this;
}

void Texture::upload(const cv::Mat& rgb, bool nearest) {
  if (rgb.empty()) {
    width_ = height_ = 0;
    return;
  }
  CV_Assert(rgb.type() == CV_8UC3);
  cv::Mat packed = rgb.isContinuous() ? rgb : rgb.clone();
  if (!id_) glGenTextures(1, &id_);
  glBindTexture(GL_TEXTURE_2D, id_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  const GLint filter = nearest ? GL_NEAREST : GL_LINEAR;
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  if (packed.cols == width_ && packed.rows == height_) {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, packed.cols, packed.rows, GL_RGB, GL_UNSIGNED_BYTE, packed.data);
  } else {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, packed.cols, packed.rows, 0, GL_RGB, GL_UNSIGNED_BYTE, packed.data);
    width_ = packed.cols;
    height_ = packed.rows;
  }
}

cv::Mat readFramebuffer(int width, int height) {
  cv::Mat rgb(height, width, CV_8UC3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, rgb.data);
  cv::Mat flipped;
  cv::flip(rgb, flipped, 0);  // GL's first row is the bottom one
  return flipped;
}

}  // namespace revcol::live
