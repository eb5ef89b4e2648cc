//===- CommunicationThread.h - One thread for every MPI call ---*- C++ -*-===//
//
// The thread on which a communicator makes its MPI calls, so that a
// gradient bucket is reduced while the step's threads compute on (the
// overlap PyTorch DDP gets from its reducer running collectives on a
// separate stream or thread). Work runs in submission order, one item at a
// time; since every MPI call after initialisation goes through it, MPI
// needs only MPI_THREAD_SERIALIZED. Without a thread (MPI gave less) the
// work runs on the caller at submission.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CORE_COMMUNICATIONTHREAD_H
#define GC_RT_CORE_COMMUNICATIONTHREAD_H

#include "gc_rt/Status.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace gc::rt {

class CommunicationThread {
public:
  /// `threaded`: run the work on a thread of its own (started at the first
  /// submission), else on the submitting thread.
  explicit CommunicationThread(bool threaded) : threaded(threaded) {}
  ~CommunicationThread();
  CommunicationThread(const CommunicationThread &) = delete;
  CommunicationThread &operator=(const CommunicationThread &) = delete;

  /// Queues `work`; returns the ticket to wait for.
  int64_t submit(std::function<Status()> work);
  /// Waits until the work of `ticket` has run and returns its status. An
  /// unknown ticket (waited for already) is an error.
  Status wait(int64_t ticket);
  /// Waits until no work is queued or running and forgets every ticket not
  /// waited for (after a step failed between a start and its wait).
  void drain();
  /// Seconds the work has run so far (the reductions in flight), and
  /// seconds callers spent blocked in wait(): what the work cost and what
  /// of it was not hidden behind the callers' own computation.
  void getTiming(double *busySeconds, double *waitedSeconds);
  /// submit + wait.
  Status run(std::function<Status()> work) { return wait(submit(work)); }

private:
  void loop();

  const bool threaded;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::pair<int64_t, std::function<Status()>>> queue;
  std::map<int64_t, Status> finished;
  /// Submitted and not yet waited for.
  std::set<int64_t> outstanding;
  int64_t nextTicket = 0;
  bool stopping = false;
  bool running = false;
  double busySeconds = 0;
  double waitedSeconds = 0;
};

} // namespace gc::rt

#endif // GC_RT_CORE_COMMUNICATIONTHREAD_H
