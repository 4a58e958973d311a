//! The C allocator's settings for a server that hashes passwords. An Argon2 hash takes about 19 MB
//! for a few milliseconds; glibc raises its mmap threshold after such a block is freed, so the next
//! ones come from per-thread arenas and stay resident — 50 logins left 371 MB behind in a test.
//! A fixed threshold keeps every large block mmapped and gives it back at once (and stops the
//! dynamic raise); fewer arenas keep the small allocations together.
//!
//! What a burst leaves behind is given back too: glibc returns free memory only from the top of
//! its heaps, so after 512 signers at once a process kept about 100 MB, most of it free chunks in
//! the middle. `give_back_free_memory` runs every few seconds and, when more than
//! `FREE_WORTH_TRIMMING` bytes lie free in the heaps, asks glibc (`malloc_trim`) to hand their
//! pages back to the system.

/// Called once, first thing in `main`, before any thread starts.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // glibc's <malloc.h>.
        const M_MMAP_THRESHOLD: i32 = -3;
        const M_ARENA_MAX: i32 = -8;
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        // SAFETY: mallopt only changes allocator parameters; called before other threads exist.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 128 * 1024);
            mallopt(M_ARENA_MAX, 2);
        }
    }
}

/// Free heap memory (bytes) above which `give_back_free_memory` trims.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const FREE_WORTH_TRIMMING: usize = 4 * 1024 * 1024;

/// Every `every` until `stop` resolves: hands the heaps' free pages back to the system when there
/// are enough of them (a walk of two arenas, a millisecond or so).
pub async fn give_back_free_memory(
    every: std::time::Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(every) => {}
        }
        trim();
    }
}

/// Trims the heaps when more than `FREE_WORTH_TRIMMING` bytes lie free in them.
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// glibc's `struct mallinfo2` (since 2.33); only `fordblks` is read.
        #[allow(dead_code)]
        #[repr(C)]
        struct MallInfo2 {
            arena: usize,
            ordblks: usize,
            smblks: usize,
            hblks: usize,
            hblkhd: usize,
            usmblks: usize,
            fsmblks: usize,
            uordblks: usize,
            fordblks: usize,
            keepcost: usize,
        }
        unsafe extern "C" {
            fn mallinfo2() -> MallInfo2;
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: both only read and adjust the allocator's own state, under its locks.
        let free = unsafe { mallinfo2() }.fordblks;
        if free > FREE_WORTH_TRIMMING {
            // SAFETY: as above.
            unsafe { malloc_trim(0) };
        }
    }
}
