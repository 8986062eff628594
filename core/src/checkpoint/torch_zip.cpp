#include "checkpoint/torch_zip.h"

#include <c10/util/Exception.h>
#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/pickle_machine.h"
#include "checkpoint/torch_rebuild.h"
#include "revcol/error.h"

namespace revcol {

namespace {

using pickle::Kind;
using pickle::Value;

// What torch.save wrote before 1.6: a pickled magic number 0x1950a86a20f9469cfc6c (PROTO 2, LONG1 10).
constexpr unsigned char kLegacyMagic[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c,
                                          0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

// Rejects, with a useful message, the files PyTorchStreamReader would only call "not a zip".
void checkFileKind(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw Error("no such file");
  if (fs::is_directory(st)) throw Error("is a directory, not a checkpoint file");
  if (!fs::is_regular_file(st)) throw Error("not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec) throw Error("cannot read the file size: " + ec.message());
  if (size == 0) throw Error("empty file");

  unsigned char head[sizeof kLegacyMagic] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open the file");
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const auto got = static_cast<size_t>(in.gcount());
  if (got == sizeof head && std::memcmp(head, kLegacyMagic, sizeof head) == 0) {
    throw Error("legacy torch.save format (PyTorch < 1.6); re-save it with a newer PyTorch");
  }
  if (got >= 2 && head[0] == 0x80 && head[1] <= 5) throw Error("a plain pickle file, not a torch.save checkpoint");
  if (got < 4 || std::memcmp(head, "PK\x03\x04", 4) != 0) throw Error("not a PyTorch checkpoint (not a zip archive)");
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// Storages are read once per key: tensors that share a storage in Python share it here too.
class StorageLoader {
 public:
  StorageLoader(caffe2::serialize::PyTorchStreamReader& reader, std::string prefix, StorageData data)
      : reader_(reader), prefix_(std::move(prefix)), data_(data) {}

  // pid = ('storage', torch.<Type>Storage, key, location, numel)
  Value* load(const Value& pid, pickle::Arena& arena) {
    if (!pid.isTuple() || pid.items.size() != 5 || !pid.items[0]->isString() || pid.items[0]->text != "storage") {
      throw Error("persistent id is a " + describe(pid) + ", not a storage reference");
    }
    const auto dtype = pickle::storageDtype(*pid.items[1]);
    if (!dtype) throw Error("unsupported storage type " + describe(*pid.items[1]));
    const Value* key = pid.items[2];
    const Value* numel = pid.items[4];
    if (!key->isString()) throw Error("storage key is not a string");
    if (!numel->isInt() || numel->integer < 0) throw Error("storage size is negative or not an int");

    auto it = cache_.find(key->text);
    if (it != cache_.end()) {
      if (it->second->tensor.scalar_type() != *dtype) {
        throw Error("storage '" + key->text + "' is used with two different types");
      }
      return it->second;
    }
    Value* v = arena.make(Kind::Storage);
    v->tensor = read(key->text, *dtype, numel->integer);
    cache_.emplace(key->text, v);
    return v;
  }

 private:
  torch::Tensor read(const std::string& key, torch::ScalarType dtype, int64_t numel) {
    const std::string record = prefix_ + "data/" + key;
    if (!reader_.hasRecord(record)) throw Error("missing record " + record);
    if (data_ == StorageData::ShapesOnly) return torch::empty({numel}, torch::dtype(dtype).device(torch::kMeta));
    auto [data, nbytes] = reader_.getRecord(record);
    const auto elem = static_cast<size_t>(c10::elementSize(dtype));
    if (static_cast<uint64_t>(numel) > nbytes / elem) {
      throw Error("record " + record + " holds " + std::to_string(nbytes) + " bytes, the storage claims " +
                  std::to_string(numel) + " elements of " + std::to_string(elem) + " bytes");
    }
    if (numel == 0) return torch::empty({0}, torch::dtype(dtype));
    if (dtype == torch::kBool) {
      // Any byte other than 0/1 in a C++ bool is undefined behaviour once read.
      auto* p = static_cast<unsigned char*>(data.get());
      for (int64_t i = 0; i < numel; ++i) p[i] = p[i] != 0;
    }
    // Zero-copy: the tensor keeps the record's buffer alive.
    auto owner = std::make_shared<at::DataPtr>(std::move(data));
    void* ptr = owner->get();
    return torch::from_blob(
        ptr, {numel}, [owner](void*) {}, torch::dtype(dtype));
  }

  caffe2::serialize::PyTorchStreamReader& reader_;
  const std::string prefix_;  // where data.pkl lies inside the archive folder; usually ""
  const StorageData data_;
  std::map<std::string, Value*> cache_;
};

void checkByteOrder(caffe2::serialize::PyTorchStreamReader& reader) {
  if (!reader.hasRecord("byteorder")) return;  // written by PyTorch >= 1.12 only; older files are little-endian
  auto [data, size] = reader.getRecord("byteorder");
  const std::string order(static_cast<const char*>(data.get()), size);
  if (order != "little")
    throw Error("storages are stored " + order.substr(0, 16) + "-endian; only little-endian is supported");
}

// Names are relative to the archive folder (named after the file torch.save wrote, so it varies).
// torch.save puts data.pkl directly in it; a re-packed archive may have one more level.
std::string findDataPkl(caffe2::serialize::PyTorchStreamReader& reader) {
  if (reader.hasRecord("data.pkl")) return "data.pkl";
  const std::vector<std::string> records = reader.getAllRecords();
  for (const std::string& name : records) {
    if (name.size() > 9 && name.compare(name.size() - 9, 9, "/data.pkl") == 0) return name;
  }
  for (const std::string& name : records) {
    if (name == "constants.pkl") throw Error("a TorchScript archive, not a torch.save checkpoint");
  }
  throw Error("the archive has no data.pkl record");
}

std::unique_ptr<TorchFile> load(const std::string& path, StorageData data) {
  checkFileKind(path);
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  } catch (const c10::Error& e) {
    throw Error("not a readable torch.save zip archive (" + firstLine(e.what_without_backtrace()) + ")");
  }
  const std::string pkl_record = findDataPkl(*reader);
  checkByteOrder(*reader);
  auto [pkl, pkl_size] = reader->getRecord(pkl_record);

  auto file = std::make_unique<TorchFile>();
  StorageLoader storages(*reader, pkl_record.substr(0, pkl_record.size() - std::strlen("data.pkl")), data);
  pickle::Hooks hooks;
  hooks.persistent_load = [&storages](const Value& pid, pickle::Arena& arena) { return storages.load(pid, arena); };
  hooks.call = pickle::callAllowListed;
  try {
    file->root = pickle::unpickle(static_cast<const uint8_t*>(pkl.get()), pkl_size, file->arena, hooks);
  } catch (const Error& e) {
    throw Error(pkl_record + " " + e.what());
  }
  return file;
}

}  // namespace

std::unique_ptr<TorchFile> loadTorchFile(const std::string& path, StorageData data) {
  // One place turns every failure below (ours, c10's, the allocator's) into the one error type.
  try {
    return load(path, data);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  } catch (const c10::Error& e) {
    throw Error(path + ": corrupt checkpoint (" + firstLine(e.what_without_backtrace()) + ")");
  } catch (const std::bad_alloc&) {
    throw Error(path + ": out of memory while reading the checkpoint");
  } catch (const std::exception& e) {
    throw Error(path + ": corrupt checkpoint (" + firstLine(e.what()) + ")");
  }
}

}  // namespace revcol
