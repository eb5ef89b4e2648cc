//===- CommunicationThreadTest.cpp - The communicator's work thread -------===//
//
// runtime/src/core/CommunicationThread.h: work runs once each, in
// submission order, off the caller's thread when threaded; waits return each
// work's own status; a ticket is waited for once; drain forgets what was
// never waited for; the timing separates work from waiting.
//
//===----------------------------------------------------------------------===//

#include "CommunicationThread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace gc::rt;

namespace {
TEST(CommunicationThreadTest, RunsInOrderOffTheCaller) {
  for (bool threaded : {true, false}) {
    CommunicationThread worker(threaded);
    std::vector<int> order;
    std::vector<std::thread::id> threads;
    std::vector<int64_t> tickets;
    for (int i = 0; i < 8; ++i)
      tickets.push_back(worker.submit([&, i] {
        order.push_back(i);
        threads.push_back(std::this_thread::get_id());
        return i == 5 ? Status::error("work 5 failed") : Status::ok();
      }));
    // Waited for out of order: each wait returns its own work's status.
    for (int i = 7; i >= 0; --i) {
      Status status = worker.wait(tickets[i]);
      EXPECT_EQ(status.isOk(), i != 5) << i;
      if (i == 5)
        EXPECT_EQ(status.message(), "work 5 failed");
    }
    ASSERT_EQ(order.size(), 8u);
    for (int i = 0; i < 8; ++i)
      EXPECT_EQ(order[i], i);
    for (std::thread::id id : threads)
      EXPECT_EQ(id != std::this_thread::get_id(), threaded);
  }
}

TEST(CommunicationThreadTest, ATicketIsWaitedForOnce) {
  CommunicationThread worker(true);
  int64_t ticket = worker.submit([] { return Status::ok(); });
  EXPECT_TRUE(worker.wait(ticket).isOk());
  Status again = worker.wait(ticket);
  EXPECT_FALSE(again.isOk());
  EXPECT_NE(again.message().find("waited for already"), std::string::npos);
  EXPECT_FALSE(worker.wait(12345).isOk());
}

TEST(CommunicationThreadTest, DrainWaitsForWorkNotWaitedFor) {
  CommunicationThread worker(true);
  std::atomic<int> done{0};
  std::vector<int64_t> tickets;
  for (int i = 0; i < 3; ++i)
    tickets.push_back(worker.submit([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      ++done;
      return Status::ok();
    }));
  worker.drain();
  EXPECT_EQ(done.load(), 3);
  // The tickets were forgotten.
  EXPECT_FALSE(worker.wait(tickets[0]).isOk());
}

TEST(CommunicationThreadTest, TimingSeparatesWorkFromWaiting) {
  CommunicationThread worker(true);
  std::atomic<bool> ran{false};
  int64_t ticket = worker.submit([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    ran = true;
    return Status::ok();
  });
  // The caller computes until the work is over (whatever the machine's
  // load); its wait then takes only a lock.
  while (!ran)
    std::this_thread::yield();
  EXPECT_TRUE(worker.wait(ticket).isOk());
  double busy = 0, waited = 0;
  worker.getTiming(&busy, &waited);
  EXPECT_GE(busy, 0.04);
  EXPECT_LT(waited, busy);
}

TEST(CommunicationThreadTest, WithoutAThreadAllWorkIsWaitedFor) {
  CommunicationThread worker(false);
  EXPECT_TRUE(worker
                  .run([] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    return Status::ok();
                  })
                  .isOk());
  double busy = 0, waited = 0;
  worker.getTiming(&busy, &waited);
  EXPECT_GE(busy, 0.01);
  EXPECT_EQ(busy, waited);
}
} // namespace
