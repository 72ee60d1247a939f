//! Background work a module hands the core's thread pool (FreeSWITCH's
//! `switch_thread_pool_launch`): threads are reused rather than created per job.

use abi_stable::{sabi_trait, std_types::RBox};

/// The FFI-safe form of a one-shot job.
#[sabi_trait]
pub trait FfiTask: Send {
    /// Runs the job; called once.
    fn run(&mut self);
}

/// An owned FFI job.
pub type FfiTaskBox = FfiTask_TO<'static, RBox<()>>;

struct Guarded<F>(Option<F>);

impl<F: FnOnce() + Send + 'static> FfiTask for Guarded<F> {
    fn run(&mut self) {
        if let Some(job) = self.0.take() {
            // A panicking job has no caller to report to; it ends, the pool thread does not.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }
}

/// Wraps `job` (run inside the module that made it, panic-contained).
pub fn task(job: impl FnOnce() + Send + 'static) -> FfiTaskBox {
    FfiTask_TO::from_value(Guarded(Some(job)), abi_stable::sabi_trait::TD_Opaque)
}
