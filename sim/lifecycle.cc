#include "sim/lifecycle.h"

#include <exception>

namespace testplanet {

void LifecycleGroup::Add(LifecycleItem item) {
  sim_->trace().InternName(item.name);
  items_.push_back(std::move(item));
}

std::vector<std::string> LifecycleGroup::names() const {
  std::vector<std::string> out;
  for (const auto& item : items_) out.push_back(item.name);
  return out;
}

void LifecycleGroup::Start(const Context& ctx, UniqueFunction<void(Status)> on_exit) {
  ctx_ = ctx.WithCancel();
  on_exit_ = std::move(on_exit);
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (!items_[i].run) continue;
    ++running_;
    boost::asio::co_spawn(sim_->io(), items_[i].run(*ctx_),
                          [this, i](std::exception_ptr error, Status status) {
                            if (error) status = StatusFromException(error);
                            OnItemExit(i, std::move(status));
                          });
  }
  if (running_ == 0 && on_exit_) {
    sim_->Post([on_exit = std::move(on_exit_)]() mutable { on_exit(Status::Ok()); });
    on_exit_ = {};
  }
}

void LifecycleGroup::OnItemExit(std::size_t index, Status status) {
  const LifecycleItem& item = items_[index];
  sim_->Record(peer_, trace_kinds::kLifecycleItemExit, sim_->trace().InternName(item.name),
               static_cast<std::uint64_t>(status.code()));
  // Errors caused by our own cancellation are the expected way out, not failures.
  const bool caused_by_cancel = ctx_->Done() && (status.code() == StatusCode::kCancelled ||
                                                 status.code() == ctx_->Err().code());
  if (!status.ok() && !caused_by_cancel && failure_.ok()) {
    failure_ = status.WithContext("unexpected shutdown of " + item.name);
    ctx_->Cancel(failure_);
  }
  if (--running_ == 0 && on_exit_) {
    sim_->Post([on_exit = std::move(on_exit_), failure = failure_]() mutable { on_exit(failure); });
    on_exit_ = {};
  }
}

Awaitable<Status> LifecycleGroup::Run(Context ctx) {
  return boost::asio::async_initiate<const UseAwaitable&, void(Status)>(
      [this](auto handler, Context run_ctx) { Start(run_ctx, std::move(handler)); }, kUseAwaitable,
      std::move(ctx));
}

void LifecycleGroup::Cancel() {
  if (ctx_) ctx_->Cancel();
}

Status LifecycleGroup::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  StatusGroup errors;
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->close) errors.Add(it->close().WithContext("closing " + it->name));
  }
  return errors.Combined();
}

}  // namespace testplanet
