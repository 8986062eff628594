// checkpointTask: which loader a checkpoint needs, told from names and shapes alone, the same task
// the full loaders find.
#include <gtest/gtest.h>

#include <string>

#include "revcol/error.h"
#include "revcol/model.h"

using namespace revcol;

namespace {

const std::string kData = REVCOL_TEST_DATA;

TEST(CheckpointTask, TellsEveryTaskAsTheFullLoadDoes) {
  for (const std::string& path : {kData + "/cls/cls_revcol_s4_k3.pth", kData + "/cls/cls_revcol_huge_single_s3_k3.pth",
                                 kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth",
                                 kData + "/seg/seg_upernet_revcol_shrunk.pth"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(checkpointTask(path), RevColModel::load(path).info().architecture.task);
  }
  EXPECT_EQ(checkpointTask(kData + "/cls/cls_revcol_s4_k3.pth"), Task::Classification);
  EXPECT_EQ(checkpointTask(kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth"), Task::Detection);
  EXPECT_EQ(checkpointTask(kData + "/seg/seg_upernet_revcol_shrunk.pth"), Task::Segmentation);
}

TEST(CheckpointTask, NotACheckpointOrNotRevColIsAnErrorNamingTheFile) {
  for (const std::string& path : {kData + "/checkpoints/does_not_exist.pth", kData + "/checkpoints/legacy.pth",
                                 kData + "/seg/seg_input.png"}) {
    try {
      checkpointTask(path);
      ADD_FAILURE() << path << " gave a task";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(checkpointTask(kData + "/checkpoints/not_revcol.pth"), Error);
}

}  // namespace
