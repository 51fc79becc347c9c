//! Running jobs: the worker pool a batch is built on, and the panic guard that lets one paper's
//! bug fail that paper only. Knows nothing of papers.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Panics being caught by [`catch_panic`] now, in any thread: the panic hook stays quiet for them.
static CATCHING: AtomicUsize = AtomicUsize::new(0);

/// Runs `f`, turning a panic (a bug) into the message `internal error: …`, so that one report's
/// failure cannot stop the others. While it runs, the hook of [`install_panic_hook`] prints nothing.
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    CATCHING.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|payload| {
        format!(
            "internal error: {} (a bug in cabrep; please report it with the input)",
            crate::diag::panic_message(&*payload)
        )
    })
}

/// Replaces the default panic message (several lines, with a backtrace hint) by one line, and by
/// nothing while [`catch_panic`] is catching (it reports the panic itself).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if CATCHING.load(Ordering::SeqCst) > 0 {
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        // Never a second panic here (a closed stderr): that would abort the process.
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr(),
            format_args!(
                "error: internal error: {} (a bug in cabrep; please report it)\n",
                what.lines().next().unwrap_or("")
            ),
        );
    }));
}

/// The cores this machine offers: the number of workers when none is asked for.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `job` on every item with `workers` plain threads, each taking the next item when it has
/// finished its last, and returns the results in the items' order.
///
/// Not a rayon pool, on purpose: the typesetter uses rayon inside, and a rayon worker that waits
/// (`rayon::yield_now`) starts another queued job on the same thread, so every report of a batch
/// ends up in flight at once and memory grows with the batch. Here a worker holds one report at a
/// time, so a batch's memory stays flat however many reports it builds.
pub fn in_workers<T: Sync, R: Send>(items: &[T], workers: usize, job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let workers = workers.clamp(1, items.len().max(1));
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, job(item)));
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::{catch_panic, in_workers};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_panic_in_one_report_of_a_batch_fails_that_report_only() {
        let items: Vec<u32> = (0..6).collect();
        let out =
            in_workers(&items, 2, |&n| catch_panic(|| if n == 3 { panic!("boom at {n}\nsecond line") } else { n }));
        assert_eq!(
            out[3],
            Err("internal error: boom at 3 (a bug in cabrep; please report it with the input)".to_owned())
        );
        assert_eq!(out.iter().filter_map(|r| r.as_ref().ok()).copied().collect::<Vec<_>>(), [0, 1, 2, 4, 5]);
    }

    #[test]
    fn workers_keep_the_items_order() {
        let items: Vec<u32> = (0..50).collect();
        let out = in_workers(&items, 3, |n| n * 2);
        assert_eq!(out, (0..50).map(|n| n * 2).collect::<Vec<_>>());
        assert!(in_workers(&Vec::<u32>::new(), 2, |n| *n).is_empty());
    }

    #[test]
    fn no_more_jobs_in_flight_than_workers_even_when_jobs_use_rayon() {
        // A job that waits inside rayon (as the typesetter does) must not let its worker start
        // another job.
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<u32> = (0..24).collect();
        in_workers(&items, 2, |_| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            rayon::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|_| std::thread::sleep(std::time::Duration::from_millis(2)));
                }
            });
            let _ = rayon::yield_now();
            in_flight.fetch_sub(1, Ordering::SeqCst);
        });
        assert!(most.load(Ordering::SeqCst) <= 2, "{} jobs were in flight", most.load(Ordering::SeqCst));
    }
}
