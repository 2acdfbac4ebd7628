//! Bounded queueing in front of booking: at most `concurrency` bookings run at once and at most
//! `queue` wait for a turn, each for at most `max_wait`; everything beyond is shed at once with
//! 503 `BOOKING_BUSY` and `Retry-After`, so an overload costs the elders a short wait and a retry
//! (the mini program shows 人多，请稍候 and retries with the same client key) instead of a queue
//! that grows without bound and answers everyone late.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{AppError, ErrorKind};

/// What a shed booking tells the client to wait before retrying, seconds.
pub const RETRY_AFTER_SECONDS: u32 = 1;

pub struct BookingGate {
    permits: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
    max_wait: Duration,
}

impl BookingGate {
    pub fn new(concurrency: usize, queue: usize, max_wait: Duration) -> Self {
        Self {
            permits: Semaphore::new(concurrency),
            waiting: AtomicUsize::new(0),
            queue,
            max_wait,
        }
    }

    /// A turn to book, held until the permit is dropped; or `BOOKING_BUSY`.
    pub async fn admit(&self) -> Result<SemaphorePermit<'_>, AppError> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        // Counted before waiting, so the queue bound holds however many arrive at once.
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(busy());
        }
        let turn = tokio::time::timeout(self.max_wait, self.permits.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        match turn {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(busy()),
        }
    }
}

fn busy() -> AppError {
    AppError::new(ErrorKind::Unavailable, "BOOKING_BUSY", "人多，请稍候再试")
        .with_retry_after(RETRY_AFTER_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beyond_the_running_and_the_queued_every_booking_is_shed() {
        let gate = BookingGate::new(1, 1, Duration::from_secs(60));
        let running = gate.admit().await.ok();
        assert!(running.is_some());
        // One may wait; the next is shed at once, with a Retry-After.
        let waiting = gate.admit();
        tokio::pin!(waiting);
        assert!(futures_poll_once(&mut waiting).await.is_none());
        let shed = gate.admit().await.err();
        assert_eq!(shed.as_ref().map(|e| e.code), Some("BOOKING_BUSY"));
        assert_eq!(shed.and_then(|e| e.retry_after), Some(RETRY_AFTER_SECONDS));
        drop(running);
        assert!(waiting.await.is_ok(), "the waiting one gets the turn");
    }

    async fn futures_poll_once<F: std::future::Future + Unpin>(f: &mut F) -> Option<F::Output> {
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut *f).poll(cx) {
                std::task::Poll::Ready(out) => Some(out),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
