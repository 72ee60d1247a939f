//! An elastic thread pool: a job goes to an idle worker when there is one, else to a new
//! thread. Session threads and module jobs use it, so a call does not pay for creating and
//! tearing down threads (mapping stacks, guard pages, TLB shootdowns) — that was most of a
//! loopback call's set-up cost.
//!
//! Workers never wait for each other: a job that blocks (a parked call) holds its thread and
//! the next job gets another, so the pool grows with the number of live sessions. At most
//! `max_idle` idle workers are kept, each for at most `idle_limit`.
//!
//! Workers sleep with a coarse timer slack ([`MEDIA_TIMER_SLACK`]): thousands of session
//! threads each waking every 20 ms for a frame would otherwise each program their own timer
//! interrupt; with the slack the kernel serves nearby deadlines with one. A frame a fraction of
//! a millisecond late is inaudible; the interrupts were a large part of a call's CPU.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

/// How late the kernel may end a worker's sleep so as to serve several with one interrupt.
pub const MEDIA_TIMER_SLACK: Duration = Duration::from_micros(500);

/// The scheduler time slice a thread paced by a media timer asks for (the kernel's shortest).
pub const MEDIA_SLICE: Duration = Duration::from_micros(100);

struct State {
    jobs: VecDeque<Job>,
    idle: usize,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    max_idle: usize,
    idle_limit: Duration,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

/// The pool.
pub struct ThreadPool {
    shared: Arc<Shared>,
    stack_size: usize,
    name: &'static str,
}

impl ThreadPool {
    /// A pool whose threads have `stack_size` bytes of stack.
    pub fn new(
        name: &'static str,
        stack_size: usize,
        max_idle: usize,
        idle_limit: Duration,
    ) -> Self {
        let shared = Shared {
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                idle: 0,
            }),
            wake: Condvar::new(),
            max_idle,
            idle_limit,
        };
        Self {
            shared: Arc::new(shared),
            stack_size,
            name,
        }
    }

    /// Runs `job` on an idle worker, or on a new thread when none is idle. If no thread can be
    /// created, the job stays queued for the next worker that frees up, and the error says so.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
        let mut state = self.shared.lock();
        state.jobs.push_back(Box::new(job));
        if state.idle >= state.jobs.len() {
            self.shared.wake.notify_one();
            return Ok(());
        }
        drop(state);
        let shared = Arc::clone(&self.shared);
        std::thread::Builder::new()
            .name(self.name.to_owned())
            .stack_size(self.stack_size)
            .spawn(move || worker(&shared))
            .map(|_| ())
    }

    /// Idle workers now (for tests and status).
    pub fn idle(&self) -> usize {
        self.shared.lock().idle
    }
}

fn worker(shared: &Shared) {
    set_timer_slack(MEDIA_TIMER_SLACK);
    loop {
        let job = {
            let mut state = shared.lock();
            loop {
                if let Some(job) = state.jobs.pop_front() {
                    break job;
                }
                if state.idle >= shared.max_idle {
                    return;
                }
                state.idle += 1;
                let (next, timeout) = shared
                    .wake
                    .wait_timeout(state, shared.idle_limit)
                    .unwrap_or_else(|poison| poison.into_inner());
                state = next;
                state.idle -= 1;
                if timeout.timed_out() && state.jobs.is_empty() {
                    return;
                }
            }
        };
        // A panicking job must not take the worker (and the jobs queued behind it) down.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        restore_default_slice();
    }
}

thread_local! {
    /// Whether the current job asked for [`MEDIA_SLICE`].
    static SHORT_SLICE: Cell<bool> = const { Cell::new(false) };
}

/// Gives the calling thread a short scheduler slice ([`MEDIA_SLICE`]) until its pool job
/// ends: for threads that sleep on a media timer and must run soon after each tick. Threads
/// woken by packets (bridged RTP) keep the default: there the short slice only added
/// preemptions, 75% → 90% CPU for 300 anchored SIP calls/s.
pub fn pace_by_timer() {
    if !SHORT_SLICE.replace(true) {
        set_scheduler_slice(MEDIA_SLICE);
    }
}

/// Gives the thread the kernel's default slice back, if its job took a short one.
fn restore_default_slice() {
    if SHORT_SLICE.replace(false) {
        set_scheduler_slice(Duration::ZERO);
    }
}

/// Gives the process a futex hash table sized for one thread per session (Linux 6.16+; older
/// kernels keep the shared system table, which is larger).
///
/// Every lock, condition variable and parked thread waits on a futex, and the kernel keeps the
/// waiters in a hash table. Since 6.16 a process gets a private table sized for its CPUs: 16
/// slots on two cores. With thousands of session threads parked, each slot held hundreds of
/// waiters, and every wake-up walked them: `futex_wake` was 16% of the switch's CPU at 1,500
/// SIP calls/s. A slot per session (64 bytes each) keeps the chains short.
pub fn size_futex_table(max_sessions: u64) {
    #[cfg(target_os = "linux")]
    {
        const PR_FUTEX_HASH: libc::c_int = 78;
        const PR_FUTEX_HASH_SET_SLOTS: libc::c_ulong = 1;
        let slots = max_sessions.clamp(1024, 65_536).next_power_of_two();
        // SAFETY: PR_FUTEX_HASH takes plain integers and changes only this process's table.
        // Kernels without it answer EINVAL, which leaves things as they were.
        unsafe {
            libc::prctl(
                PR_FUTEX_HASH,
                PR_FUTEX_HASH_SET_SLOTS,
                slots as libc::c_ulong,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
            )
        };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = max_sessions;
}

/// Sets the calling thread's timer slack (Linux); elsewhere sleeps keep their default.
fn set_timer_slack(slack: Duration) {
    #[cfg(target_os = "linux")]
    {
        let nanos = libc::c_ulong::try_from(slack.as_nanos()).unwrap_or(libc::c_ulong::MAX);
        // SAFETY: PR_SET_TIMERSLACK reads one unsigned long and changes only this thread.
        unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, nanos) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = slack;
}

/// Asks the scheduler for a time slice of `slice`, zero for the default (Linux 6.12+, EEVDF;
/// older kernels ignore the field for ordinary threads). A timer-paced session thread runs a
/// few microseconds per frame and then sleeps; with the default slice a woken one may wait
/// behind whatever runs for milliseconds, and with a thousand due on nearby ticks the last
/// are half a frame late. A short slice gives a woken thread an early deadline, so it runs
/// soon after its tick (media_calls, 1,250 calls: 0.60% → 0.005% late frames).
fn set_scheduler_slice(slice: Duration) {
    #[cfg(target_os = "linux")]
    {
        let attr = libc::sched_attr {
            size: std::mem::size_of::<libc::sched_attr>() as u32,
            sched_policy: libc::SCHED_OTHER as u32,
            sched_flags: 0,
            sched_nice: 0,
            sched_priority: 0,
            sched_runtime: u64::try_from(slice.as_nanos()).unwrap_or(u64::MAX),
            sched_deadline: 0,
            sched_period: 0,
        };
        // SAFETY: sched_setattr reads `size` bytes of `attr`, which outlives the call, and
        // changes only the calling thread (pid 0). A refusal leaves the default slice.
        unsafe {
            libc::syscall(
                libc::SYS_sched_setattr,
                0,
                &attr as *const libc::sched_attr,
                0,
            )
        };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = slice;
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::channel;

    use super::*;

    #[test]
    fn blocked_jobs_do_not_starve_new_ones_and_workers_are_reused() {
        let pool = ThreadPool::new("test", 64 * 1024, 4, Duration::from_secs(5));
        let (release, blocked) = channel::<()>();
        let blocked = Arc::new(Mutex::new(blocked));
        // One job blocks until released; the others must still run.
        let holder = Arc::clone(&blocked);
        pool.execute(move || {
            let _ = holder.lock().unwrap().recv();
        })
        .unwrap();
        let (done, finished) = channel();
        let threads = Arc::new(Mutex::new(std::collections::HashSet::new()));
        for _ in 0..20 {
            let done = done.clone();
            let threads = Arc::clone(&threads);
            pool.execute(move || {
                threads.lock().unwrap().insert(std::thread::current().id());
                done.send(()).unwrap();
            })
            .unwrap();
            finished
                .recv_timeout(Duration::from_secs(5))
                .expect("a job behind a blocked one ran");
        }
        // Run one at a time, twenty jobs need far fewer than twenty threads.
        assert!(threads.lock().unwrap().len() < 20, "workers are reused");
        release.send(()).unwrap();
    }

    #[test]
    fn a_panicking_job_leaves_the_pool_working() {
        let pool = ThreadPool::new("test", 64 * 1024, 2, Duration::from_secs(5));
        pool.execute(|| panic!("job panics")).unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        let (done, finished) = channel();
        let counter = Arc::clone(&ran);
        pool.execute(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            done.send(()).unwrap();
        })
        .unwrap();
        finished
            .recv_timeout(Duration::from_secs(5))
            .expect("the next job ran");
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }
}
