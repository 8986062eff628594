#include "checkpoint/pickle_machine.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "revcol/error.h"

namespace revcol::pickle {

namespace {

// Opcode bytes as pickletools names them.
// clang-format off
enum Op : uint8_t {
  MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', FLOAT = 'F', INT = 'I', BININT = 'J',
  BININT1 = 'K', LONG = 'L', BININT2 = 'M', NONE = 'N', PERSID = 'P', BINPERSID = 'Q', REDUCE = 'R',
  STRING = 'S', BINSTRING = 'T', SHORT_BINSTRING = 'U', UNICODE = 'V', BINUNICODE = 'X', APPEND = 'a',
  BUILD = 'b', GLOBAL = 'c', DICT = 'd', EMPTY_DICT = '}', APPENDS = 'e', GET = 'g', BINGET = 'h',
  INST = 'i', LONG_BINGET = 'j', LIST = 'l', EMPTY_LIST = ']', OBJ = 'o', PUT = 'p', BINPUT = 'q',
  LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')', SETITEMS = 'u', BINFLOAT = 'G',
  // protocol 2
  PROTO = 0x80, NEWOBJ = 0x81, EXT1 = 0x82, EXT2 = 0x83, EXT4 = 0x84, TUPLE1 = 0x85, TUPLE2 = 0x86,
  TUPLE3 = 0x87, NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b,
  // protocol 3
  BINBYTES = 'B', SHORT_BINBYTES = 'C',
  // protocol 4
  SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, EMPTY_SET = 0x8f, ADDITEMS = 0x90,
  FROZENSET = 0x91, NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93, MEMOIZE = 0x94, FRAME = 0x95,
  // protocol 5
  BYTEARRAY8 = 0x96, NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98,
};
// clang-format on

class Machine {
 public:
  Machine(const uint8_t* data, size_t size, Arena& arena, const Hooks& hooks)
      : data_(data), size_(size), arena_(arena), hooks_(hooks) {}

  Value* run() {
    while (true) {
      op_pos_ = pos_;
      const uint8_t op = u8();
      if (op == STOP) return pop();
      step(op);
    }
  }

  size_t opPosition() const { return op_pos_; }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error(what); }

  // --- input; every length is checked against what is left before anything is allocated ---
  size_t left() const { return size_ - pos_; }
  const uint8_t* take(uint64_t n) {
    if (n > left()) {
      fail("needs " + std::to_string(n) + " bytes, only " + std::to_string(left()) + " left (truncated?)");
    }
    const uint8_t* p = data_ + pos_;
    pos_ += static_cast<size_t>(n);
    return p;
  }
  uint8_t u8() { return *take(1); }
  uint64_t le(int n) {
    const uint8_t* p = take(n);
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  }
  std::string line() {
    const void* nl = std::memchr(data_ + pos_, '\n', left());
    if (!nl) fail("unterminated text argument");
    const size_t n = static_cast<const uint8_t*>(nl) - (data_ + pos_);
    std::string s(reinterpret_cast<const char*>(take(n)), n);
    pos_ += 1;
    return s;
  }
  int64_t lineInt() {
    std::string s = line();
    if (!s.empty() && s.back() == 'L') s.pop_back();  // protocol 0 LONG
    if (s.empty()) fail("empty integer");
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno || *end) fail("bad integer '" + s.substr(0, 32) + "'");
    return v;
  }

  // --- stack; MARK opens a new segment the way CPython's metastack does, so nothing pops past it ---
  size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(Value* v) { stack_.push_back(v); }
  Value* pop() {
    if (stack_.size() <= base()) fail("stack underflow");
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Value* top() {
    if (stack_.size() <= base()) fail("stack underflow");
    return stack_.back();
  }
  std::vector<Value*> popMark() {
    if (marks_.empty()) fail("no MARK on the stack");
    const size_t b = marks_.back();
    marks_.pop_back();
    std::vector<Value*> items(stack_.begin() + static_cast<std::ptrdiff_t>(b), stack_.end());
    stack_.resize(b);
    return items;
  }

  Value* make(Kind k) { return arena_.make(k); }
  Value* makeInt(int64_t v) {
    Value* x = make(Kind::Int);
    x->integer = v;
    return x;
  }
  Value* makeBool(bool v) {
    Value* x = make(Kind::Bool);
    x->boolean = v;
    return x;
  }
  Value* makeText(Kind k, uint64_t n) {
    const uint8_t* p = take(n);
    Value* x = make(k);
    x->text.assign(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    return x;
  }
  Value* makeSequence(Kind k, std::vector<Value*> items) {
    Value* x = make(k);
    x->items = std::move(items);
    return x;
  }
  Value* makeGlobal(std::string module, std::string name) {
    Value* g = make(Kind::Global);
    g->module = std::move(module);
    g->name = std::move(name);
    return g;
  }
  // Little-endian two's complement of any width; wider than 64 bits stays an inert BigInt.
  Value* makeLong(uint64_t n) {
    const uint8_t* p = take(n);
    if (n > 8) {
      Value* x = make(Kind::BigInt);
      x->text.assign(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
      return x;
    }
    uint64_t v = 0;
    for (uint64_t i = n; i-- > 0;) v = (v << 8) | p[i];
    if (n > 0 && n < 8 && (p[n - 1] & 0x80)) v |= ~uint64_t{0} << (8 * n);
    return makeInt(static_cast<int64_t>(v));
  }

  void memoPut(uint64_t index) { memo_[index] = top(); }
  void memoGet(uint64_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo index " + std::to_string(index) + " was never stored");
    push(it->second);
  }

  Value* call(Value* callable, Value* args) {
    if (args->kind != Kind::Tuple) fail("call arguments are a " + describe(*args) + ", not a tuple");
    if (callable->kind == Kind::Global && hooks_.call) {
      if (Value* result = hooks_.call(*callable, *args, arena_)) return result;
    }
    Value* obj = make(Kind::Object);
    obj->callable = callable;
    obj->args = args;
    return obj;
  }

  void appendTo(Value* target, const std::vector<Value*>& items) {
    if (target->kind == Kind::List || target->kind == Kind::Object) {
      target->items.insert(target->items.end(), items.begin(), items.end());
    } else {
      fail("cannot append to a " + describe(*target));
    }
  }
  void setItems(Value* target, const std::vector<Value*>& kv) {
    if (kv.size() % 2) fail("odd number of items for a dict");
    if (target->kind != Kind::Dict && target->kind != Kind::Object) {
      fail("cannot set items on a " + describe(*target));
    }
    for (size_t i = 0; i < kv.size(); i += 2) dictSet(*target, kv[i], kv[i + 1]);
  }

  void step(uint8_t op) {
    switch (op) {
      case PROTO:
        if (u8() > 5) fail("pickle protocol newer than 5");
        return;
      case FRAME:
        if (le(8) > left()) fail("frame longer than the data");
        return;
      case MARK:
        marks_.push_back(stack_.size());
        return;
      case POP:
        if (stack_.size() == base() && !marks_.empty()) {
          marks_.pop_back();
        } else {
          pop();
        }
        return;
      case POP_MARK:
        popMark();
        return;
      case DUP:
        push(top());
        return;

      case NONE:
        push(make(Kind::None));
        return;
      case NEWTRUE:
        push(makeBool(true));
        return;
      case NEWFALSE:
        push(makeBool(false));
        return;
      case BININT:
        push(makeInt(static_cast<int32_t>(static_cast<uint32_t>(le(4)))));
        return;
      case BININT1:
        push(makeInt(u8()));
        return;
      case BININT2:
        push(makeInt(static_cast<int64_t>(le(2))));
        return;
      case LONG1:
        push(makeLong(u8()));
        return;
      case LONG4: {
        const int32_t n = static_cast<int32_t>(static_cast<uint32_t>(le(4)));
        if (n < 0) fail("negative LONG4 length");
        push(makeLong(static_cast<uint64_t>(n)));
        return;
      }
      case INT: {
        // Protocol 0 spells booleans as INT 00 / 01.
        const size_t at = pos_;
        if (left() >= 3 && data_[at + 2] == '\n' && data_[at] == '0' &&
            (data_[at + 1] == '0' || data_[at + 1] == '1')) {
          pos_ += 3;
          push(makeBool(data_[at + 1] == '1'));
        } else {
          push(makeInt(lineInt()));
        }
        return;
      }
      case LONG:
        push(makeInt(lineInt()));
        return;
      case FLOAT: {
        const std::string s = line();
        char* end = nullptr;
        Value* x = make(Kind::Float);
        x->real = std::strtod(s.c_str(), &end);
        if (s.empty() || *end) fail("bad float");
        push(x);
        return;
      }
      case BINFLOAT: {
        // The only big-endian field in a pickle.
        const uint8_t* p = take(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
        Value* x = make(Kind::Float);
        std::memcpy(&x->real, &bits, sizeof bits);
        push(x);
        return;
      }

      case BINUNICODE:
        push(makeText(Kind::String, le(4)));
        return;
      case SHORT_BINUNICODE:
        push(makeText(Kind::String, u8()));
        return;
      case BINUNICODE8:
        push(makeText(Kind::String, le(8)));
        return;
      // Python 2 str: torch.load decodes it as text too.
      case BINSTRING: {
        const int32_t n = static_cast<int32_t>(static_cast<uint32_t>(le(4)));
        if (n < 0) fail("negative BINSTRING length");
        push(makeText(Kind::String, static_cast<uint64_t>(n)));
        return;
      }
      case SHORT_BINSTRING:
        push(makeText(Kind::String, u8()));
        return;
      case BINBYTES:
        push(makeText(Kind::Bytes, le(4)));
        return;
      case SHORT_BINBYTES:
        push(makeText(Kind::Bytes, u8()));
        return;
      case BINBYTES8:
        push(makeText(Kind::Bytes, le(8)));
        return;
      case BYTEARRAY8:
        push(makeText(Kind::Bytes, le(8)));
        return;
      case STRING:
      case UNICODE:
        fail("protocol 0 text strings are not supported (torch.save never writes them)");

      case EMPTY_TUPLE:
        push(make(Kind::Tuple));
        return;
      case EMPTY_LIST:
        push(make(Kind::List));
        return;
      case EMPTY_DICT:
        push(make(Kind::Dict));
        return;
      case EMPTY_SET:
        push(make(Kind::Set));
        return;
      case TUPLE:
        push(makeSequence(Kind::Tuple, popMark()));
        return;
      case LIST:
        push(makeSequence(Kind::List, popMark()));
        return;
      case FROZENSET:
        push(makeSequence(Kind::Set, popMark()));
        return;
      case TUPLE1:
      case TUPLE2:
      case TUPLE3: {
        std::vector<Value*> items(op - TUPLE1 + 1);
        for (size_t i = items.size(); i-- > 0;) items[i] = pop();
        push(makeSequence(Kind::Tuple, std::move(items)));
        return;
      }
      case DICT: {
        Value* d = make(Kind::Dict);
        setItems(d, popMark());
        push(d);
        return;
      }
      case APPEND: {
        Value* v = pop();
        appendTo(top(), {v});
        return;
      }
      case APPENDS: {
        std::vector<Value*> items = popMark();
        appendTo(top(), items);
        return;
      }
      case SETITEM: {
        Value* v = pop();
        Value* k = pop();
        setItems(top(), {k, v});
        return;
      }
      case SETITEMS: {
        std::vector<Value*> kv = popMark();
        setItems(top(), kv);
        return;
      }
      case ADDITEMS: {
        std::vector<Value*> items = popMark();
        Value* s = top();
        if (s->kind != Kind::Set) fail("ADDITEMS on a " + describe(*s));
        s->items.insert(s->items.end(), items.begin(), items.end());
        return;
      }

      case BINPUT:
        memoPut(u8());
        return;
      case LONG_BINPUT:
        memoPut(le(4));
        return;
      case PUT: {
        const int64_t i = lineInt();
        if (i < 0) fail("negative memo index");
        memoPut(static_cast<uint64_t>(i));
        return;
      }
      case MEMOIZE:
        memoPut(memo_.size());
        return;
      case BINGET:
        memoGet(u8());
        return;
      case LONG_BINGET:
        memoGet(le(4));
        return;
      case GET: {
        const int64_t i = lineInt();
        if (i < 0) fail("negative memo index");
        memoGet(static_cast<uint64_t>(i));
        return;
      }

      case GLOBAL: {
        std::string module = line();
        std::string name = line();
        push(makeGlobal(std::move(module), std::move(name)));
        return;
      }
      case STACK_GLOBAL: {
        Value* name = pop();
        Value* module = pop();
        if (!module->isString() || !name->isString()) fail("STACK_GLOBAL needs two strings");
        push(makeGlobal(module->text, name->text));
        return;
      }
      case REDUCE: {
        Value* args = pop();
        Value* callable = pop();
        push(call(callable, args));
        return;
      }
      case NEWOBJ: {
        Value* args = pop();
        Value* cls = pop();
        push(call(cls, args));
        return;
      }
      case NEWOBJ_EX: {
        pop();  // keyword arguments: no class on the allow-list takes any
        Value* args = pop();
        Value* cls = pop();
        Value* obj = make(Kind::Object);
        obj->callable = cls;
        obj->args = args;
        push(obj);
        return;
      }
      case INST: {
        std::string module = line();
        std::string name = line();
        Value* args = makeSequence(Kind::Tuple, popMark());
        push(call(makeGlobal(std::move(module), std::move(name)), args));
        return;
      }
      case OBJ: {
        std::vector<Value*> items = popMark();
        if (items.empty()) fail("OBJ without a class");
        Value* cls = items.front();
        items.erase(items.begin());
        push(call(cls, makeSequence(Kind::Tuple, std::move(items))));
        return;
      }
      case BUILD: {
        // Python would call __setstate__ or update __dict__; here the state is only remembered.
        Value* state = pop();
        top()->state = state;
        return;
      }
      case BINPERSID:
      case PERSID: {
        Value* pid = nullptr;
        if (op == PERSID) {
          pid = make(Kind::String);
          pid->text = line();
        } else {
          pid = pop();
        }
        if (!hooks_.persistent_load) fail("persistent id without a loader");
        Value* v = hooks_.persistent_load(*pid, arena_);
        if (!v) fail("persistent id not understood");
        push(v);
        return;
      }

      case EXT1:
      case EXT2:
      case EXT4:
        fail("extension registry codes are not supported");
      case NEXT_BUFFER:
      case READONLY_BUFFER:
        fail("out-of-band buffers are not supported");
      default: {
        static const char* hex = "0123456789abcdef";
        fail(std::string("unknown opcode 0x") + hex[op >> 4] + hex[op & 15]);
      }
    }
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t op_pos_ = 0;
  Arena& arena_;
  const Hooks& hooks_;
  std::vector<Value*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Value*> memo_;
};

}  // namespace

Value* unpickle(const uint8_t* data, size_t size, Arena& arena, const Hooks& hooks) {
  Machine m(data, size, arena, hooks);
  try {
    return m.run();
  } catch (const Error& e) {
    throw Error("byte " + std::to_string(m.opPosition()) + ": " + e.what());
  }
}

}  // namespace revcol::pickle
