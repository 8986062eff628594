// The pickle machine on hand-written opcode streams: the opcodes torch.save's fixtures do not
// happen to use, and malformed streams that must end in revcol::Error.
#include <gtest/gtest.h>

#include <cmath>

#include "checkpoint/pickle_machine.h"
#include "checkpoint/torch_rebuild.h"
#include "revcol/error.h"

namespace {

using revcol::pickle::Kind;
using revcol::pickle::Value;

// A string of every byte of a literal, embedded NULs included.
template <size_t N>
std::string B(const char (&s)[N]) {
  return std::string(s, N - 1);
}

struct Run {
  revcol::pickle::Arena arena;
  Value* result = nullptr;
};

std::unique_ptr<Run> run(const std::string& bytes) {
  auto r = std::make_unique<Run>();
  revcol::pickle::Hooks hooks;
  hooks.call = revcol::pickle::callAllowListed;
  r->result = revcol::pickle::unpickle(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), r->arena, hooks);
  return r;
}

std::string failure(const std::string& bytes) {
  try {
    run(bytes);
  } catch (const revcol::Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Literals keep their embedded NULs.
template <size_t N>
std::unique_ptr<Run> run(const char (&s)[N]) {
  return run(B(s));
}
template <size_t N>
std::string failure(const char (&s)[N]) {
  return failure(B(s));
}

TEST(CheckpointPickle, Integers) {
  EXPECT_EQ(run(B("\x80\x02\x8a\x02\x00\xff."))->result->integer, -256);  // LONG1
  EXPECT_EQ(run(B("\x8a\x00."))->result->integer, 0);                     // LONG1 of 0
  EXPECT_EQ(run(B("J\xfe\xff\xff\xff."))->result->integer, -2);           // BININT
  EXPECT_EQ(run(B("M\x01\x02."))->result->integer, 0x0201);               // BININT2
  EXPECT_EQ(run("I42\n.")->result->integer, 42);                          // INT
  EXPECT_EQ(run("I01\n.")->result->kind, Kind::Bool);                     // INT as bool
  EXPECT_EQ(run("L-7L\n.")->result->integer, -7);                         // LONG
  EXPECT_EQ(run(B("\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."))->result->kind, Kind::BigInt);
  EXPECT_EQ(run(B("\x8b\x01\x00\x00\x00\x05."))->result->integer, 5);  // LONG4
}

TEST(CheckpointPickle, FloatsStringsBytes) {
  EXPECT_EQ(run(B("G\x3f\xf8\x00\x00\x00\x00\x00\x00."))->result->real, 1.5);  // big-endian
  EXPECT_EQ(run("F0.25\n.")->result->real, 0.25);
  EXPECT_EQ(run(B("\x8c\x02hi."))->result->text, "hi");
  EXPECT_EQ(run(B("X\x02\x00\x00\x00hi."))->result->text, "hi");
  const auto b = run(B("C\x03\x00\x01\x02."));
  EXPECT_EQ(b->result->kind, Kind::Bytes);
  EXPECT_EQ(b->result->text, B("\x00\x01\x02"));
  EXPECT_EQ(run(B("B\x01\x00\x00\x00z."))->result->text, "z");
  // Protocol 2's spelling of bytes: _codecs.encode('\u00ff\x01', 'latin1')
  const auto enc = run(B("c_codecs\nencode\nX\x03\x00\x00\x00\xc3\xbf\x01X\x06\x00\x00\x00latin1\x86R."));
  EXPECT_EQ(enc->result->kind, Kind::Bytes);
  EXPECT_EQ(enc->result->text, B("\xff\x01"));
}

TEST(CheckpointPickle, ContainersMemoAndMarks) {
  // {'a': [1, 2], 'b': (None, True)} with the list memoized and fetched again as 'c'.
  const auto r =
      run(B("}(X\x01\x00\x00\x00"
            "a]q\x00(K\x01K\x02"
            "eX\x01\x00\x00\x00"
            "bN\x88\x86X\x01\x00\x00\x00"
            "ch\x00u."));
  const Value& d = *r->result;
  ASSERT_EQ(d.kind, Kind::Dict);
  ASSERT_EQ(d.entries.size(), 3u);
  EXPECT_EQ(revcol::pickle::dictGet(d, "a")->items.size(), 2u);
  EXPECT_EQ(revcol::pickle::dictGet(d, "a"), revcol::pickle::dictGet(d, "c"));
  EXPECT_EQ(revcol::pickle::dictGet(d, "b")->items[1]->kind, Kind::Bool);
  // Setting an existing key replaces its value in place, as Python does.
  const auto dup =
      run(B("}(X\x01\x00\x00\x00"
            "aK\x01X\x01\x00\x00\x00"
            "aK\x02u."));
  ASSERT_EQ(dup->result->entries.size(), 1u);
  EXPECT_EQ(dup->result->entries[0].second->integer, 2);
  EXPECT_EQ(run("(K\x01K\x02l.")->result->items.size(), 2u);               // LIST
  EXPECT_EQ(run(B("(K\x01K\x02K\x03K\x04t."))->result->items.size(), 4u);  // TUPLE
  EXPECT_EQ(run("(K\x01\x31N.")->result->kind, Kind::None);                // POP_MARK
  EXPECT_EQ(run("K\x01\x32\x86.")->result->items.size(), 2u);              // DUP
  EXPECT_EQ(run(B("\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01\x90."))->result->kind, Kind::Set);
}

TEST(CheckpointPickle, UnknownGlobalsStayInert) {
  // os.system('x') with a BUILD state, and a NEWOBJ of an unknown class.
  const auto r = run("cposix\nsystem\nX\x01\x00\x00\x00x\x85R}b.");
  EXPECT_EQ(r->result->kind, Kind::Object);
  EXPECT_TRUE(r->result->callable->isGlobal("posix", "system"));
  EXPECT_EQ(r->result->state->kind, Kind::Dict);
  EXPECT_EQ(run("cmmcv\nConfig\n)\x81.")->result->kind, Kind::Object);
  EXPECT_EQ(run(B("\x8c\x02os\x8c\x06system\x93)R."))->result->kind, Kind::Object);  // STACK_GLOBAL
  EXPECT_EQ(run("ccollections\nOrderedDict\n)R.")->result->kind, Kind::Dict);
}

TEST(CheckpointPickle, MalformedStreamsAreErrors) {
  EXPECT_NE(failure("").find("truncated"), std::string::npos);
  EXPECT_NE(failure("N").find("truncated"), std::string::npos);  // no STOP
  EXPECT_NE(failure(".").find("underflow"), std::string::npos);
  EXPECT_NE(failure("a.").find("underflow"), std::string::npos);
  EXPECT_NE(failure("K\x01(\x85.").find("underflow"), std::string::npos);  // TUPLE1 cannot pop past a MARK
  EXPECT_NE(failure("h\x05.").find("memo index 5"), std::string::npos);
  EXPECT_NE(failure("j\xff\xff\xff\xff.").find("memo index"), std::string::npos);
  EXPECT_NE(failure("\xff.").find("unknown opcode 0xff"), std::string::npos);
  EXPECT_NE(failure("X\xff\xff\xff\x7f.").find("bytes"), std::string::npos);  // 2 GB string claimed
  EXPECT_NE(failure(B("\x8d\xff\xff\xff\xff\xff\xff\xff\xff.")).find("bytes"), std::string::npos);
  EXPECT_NE(failure("NK\x01K\x02s.").find("cannot set items"), std::string::npos);
  EXPECT_NE(failure(")K\x01\x61.").find("cannot append"), std::string::npos);
  EXPECT_NE(failure("\x82\x01.").find("extension"), std::string::npos);
  EXPECT_NE(failure("S'x'\n.").find("not supported"), std::string::npos);
  EXPECT_NE(failure("\x80\x09.").find("protocol"), std::string::npos);
  EXPECT_NE(failure("Q.").find("underflow"), std::string::npos);
  EXPECT_NE(failure("NQ.").find("persistent"), std::string::npos);
  EXPECT_NE(failure("cfoo").find("unterminated"), std::string::npos);
  EXPECT_NE(failure("d.").find("MARK"), std::string::npos);
  EXPECT_NE(failure("(K\x01\x64.").find("odd"), std::string::npos);
}

TEST(CheckpointPickle, DeepNestingAndCyclesDoNotRecurse) {
  // A list nested 200000 deep, then a list that holds itself.
  const int depth = 200000;
  std::string deep(depth, ']');
  deep += std::string(depth - 1, 'a') + ".";
  EXPECT_EQ(run(deep)->result->items.size(), 1u);
  const auto cyc = run("]q\x00h\x00\x61.");
  EXPECT_EQ(cyc->result->items[0], cyc->result);
  // 300000 MARKs with nothing to close them
  EXPECT_NE(failure(std::string(300000, '(') + ".").find("underflow"), std::string::npos);
}

}  // namespace
