//===- CommunicationThread.cpp - One thread for every MPI call ------------===//

#include "CommunicationThread.h"

#include <chrono>

using namespace gc::rt;

namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Runs `work` with `lock` released; adds its duration to `busySeconds`
/// (and to `waitedSeconds` when given: the caller ran it).
Status runUnlocked(std::unique_lock<std::mutex> &lock,
                   const std::function<Status()> &work, double &busySeconds,
                   double *waitedSeconds) {
  lock.unlock();
  const Clock::time_point start = Clock::now();
  Status status = work();
  const double seconds = secondsSince(start);
  lock.lock();
  busySeconds += seconds;
  if (waitedSeconds)
    *waitedSeconds += seconds;
  return status;
}
} // namespace

CommunicationThread::~CommunicationThread() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  changed.notify_all();
  if (thread.joinable())
    thread.join();
}

int64_t CommunicationThread::submit(std::function<Status()> work) {
  std::unique_lock<std::mutex> lock(mutex);
  const int64_t ticket = nextTicket++;
  outstanding.insert(ticket);
  if (!threaded) {
    // On the caller: all of it is waited for.
    finished.emplace(ticket,
                     runUnlocked(lock, work, busySeconds, &waitedSeconds));
    return ticket;
  }
  if (!thread.joinable())
    thread = std::thread([this] { loop(); });
  queue.emplace_back(ticket, std::move(work));
  changed.notify_all();
  return ticket;
}

Status CommunicationThread::wait(int64_t ticket) {
  std::unique_lock<std::mutex> lock(mutex);
  if (outstanding.erase(ticket) == 0)
    return Status::error("waited for an all-reduce that was not started or "
                         "was waited for already");
  const Clock::time_point start = Clock::now();
  changed.wait(lock, [&] { return finished.count(ticket) != 0; });
  // Without a thread the work ran on the caller: submit counted it.
  if (threaded)
    waitedSeconds += secondsSince(start);
  auto it = finished.find(ticket);
  Status status = std::move(it->second);
  finished.erase(it);
  return status;
}

void CommunicationThread::getTiming(double *busy, double *waited) {
  std::lock_guard<std::mutex> lock(mutex);
  *busy = busySeconds;
  *waited = waitedSeconds;
}

void CommunicationThread::drain() {
  std::unique_lock<std::mutex> lock(mutex);
  changed.wait(lock, [&] { return queue.empty() && !running; });
  finished.clear();
  outstanding.clear();
}

void CommunicationThread::loop() {
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    changed.wait(lock, [&] { return stopping || !queue.empty(); });
    if (queue.empty())
      return; // stopping, with nothing left to do
    auto [ticket, work] = std::move(queue.front());
    queue.pop_front();
    running = true;
    Status status = runUnlocked(lock, work, busySeconds, nullptr);
    running = false;
    finished.emplace(ticket, std::move(status));
    changed.notify_all();
  }
}
