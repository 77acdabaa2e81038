// UniqueFunction<R(Args...)>: a move-only callable wrapper with inline storage.
//
// The scheduler stores one per pending event, so it must not allocate for the common case:
// callables up to kInlineSize bytes (a lambda capturing a few pointers, an Asio completion
// handler) live inside the object; larger ones go to the heap. Unlike std::function it accepts
// move-only callables, which Asio's coroutine completion handlers are.
// Trap: calling an empty UniqueFunction is undefined; test with `explicit operator bool`.
#ifndef TESTPLANET_SIM_UNIQUE_FUNCTION_H_
#define TESTPLANET_SIM_UNIQUE_FUNCTION_H_

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace testplanet {

template <typename Signature>
class UniqueFunction;

template <typename R, typename... Args>
class UniqueFunction<R(Args...)> {
 public:
  static constexpr std::size_t kInlineSize = 48;

  UniqueFunction() = default;
  UniqueFunction(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)

  template <typename F, typename D = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<D, UniqueFunction> &&
                                        std::is_invocable_r_v<R, D&, Args...>>>
  UniqueFunction(F&& f) {  // NOLINT(google-explicit-constructor)
    if constexpr (FitsInline<D>()) {
      ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
      trivial_ = std::is_trivially_copyable_v<D> && std::is_trivially_destructible_v<D>;
    } else {
      *reinterpret_cast<D**>(storage_) = new D(std::forward<F>(f));
      ops_ = &kHeapOps<D>;
    }
  }

  UniqueFunction(UniqueFunction&& other) noexcept { MoveFrom(other); }
  UniqueFunction& operator=(UniqueFunction&& other) noexcept {
    if (this != &other) {
      Reset();
      MoveFrom(other);
    }
    return *this;
  }
  UniqueFunction(const UniqueFunction&) = delete;
  UniqueFunction& operator=(const UniqueFunction&) = delete;
  ~UniqueFunction() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }

  R operator()(Args... args) { return ops_->invoke(storage_, std::forward<Args>(args)...); }

  void Reset() {
    if (ops_ != nullptr) {
      if (!trivial_) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  struct Ops {
    R (*invoke)(void* storage, Args&&... args);
    // Moves the callable from `from` into the uninitialized `to` and destroys the source.
    void (*relocate)(void* from, void* to);
    void (*destroy)(void* storage);
  };

  template <typename D>
  static constexpr bool FitsInline() {
    return sizeof(D) <= kInlineSize && alignof(D) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<D>;
  }

  template <typename D>
  static constexpr Ops kInlineOps = {
      [](void* s, Args&&... args) -> R {
        return (*std::launder(static_cast<D*>(s)))(std::forward<Args>(args)...);
      },
      [](void* from, void* to) {
        D* source = std::launder(static_cast<D*>(from));
        ::new (to) D(std::move(*source));
        source->~D();
      },
      [](void* s) { std::launder(static_cast<D*>(s))->~D(); },
  };

  template <typename D>
  static constexpr Ops kHeapOps = {
      [](void* s, Args&&... args) -> R {
        return (**static_cast<D**>(s))(std::forward<Args>(args)...);
      },
      [](void* from, void* to) { *static_cast<D**>(to) = *static_cast<D**>(from); },
      [](void* s) { delete *static_cast<D**>(s); },
  };

  void MoveFrom(UniqueFunction& other) noexcept {
    if (other.ops_ != nullptr) {
      // Trivially copyable callables (lambdas capturing pointers and numbers, the common
      // case on the scheduler's path) move by a plain copy instead of an indirect call.
      if (other.trivial_) {
        std::memcpy(storage_, other.storage_, kInlineSize);
      } else {
        other.ops_->relocate(other.storage_, storage_);
      }
      ops_ = other.ops_;
      trivial_ = other.trivial_;
      other.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char storage_[kInlineSize];
  const Ops* ops_ = nullptr;
  bool trivial_ = false;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_UNIQUE_FUNCTION_H_
