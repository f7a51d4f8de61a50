//! Work spread over the cores, on threads with room for Typst's deeply recursive layout.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Stack size for threads that run Typst: its layout recurses deeply, and rayon's default
/// 2 MiB overflowed on catalogs.
const DEEP_STACK: usize = 64 << 20;

/// `work` on every item, on one worker thread per core that takes the next item when it is
/// free; results in the items' order. The threads of rayon's pool, on which Typst lays out
/// pages in parallel, get deep stacks too. (On rayon workers, Typst's parallel layout stole
/// whole handouts into its waits: stacks grew, memory grew with the catalog, and the cores
/// idled at the end.)
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    deep_stacks_for_rayon();
    let next = AtomicUsize::new(0);
    let workers = cores().min(items.len()).max(1);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break done };
            done.push((i, work(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| std::thread::Builder::new().stack_size(DEEP_STACK).spawn_scoped(scope, worker))
            .collect();
        let mut results = Vec::new();
        for handle in handles {
            match handle {
                Ok(handle) => results.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))),
                // No thread to spare: this one does the rest.
                Err(_) => results.extend(worker()),
            }
        }
        results
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Gives rayon's global pool deep stacks, before anything else uses it.
pub fn deep_stacks_for_rayon() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only if a library user built the global pool first; theirs is kept.
        let _ = rayon::ThreadPoolBuilder::new().stack_size(DEEP_STACK).build_global();
    });
}
