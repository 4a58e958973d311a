//! The C allocator's settings for a server that hashes passwords. An Argon2 hash takes about 19 MB
//! for a few milliseconds; glibc raises its mmap threshold after such a block is freed, so the next
//! ones come from per-thread arenas and stay resident — 50 logins left 371 MB behind in a test.
//! A fixed threshold keeps every large block mmapped and gives it back at once (and stops the
//! dynamic raise); fewer arenas keep the small allocations together.

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
