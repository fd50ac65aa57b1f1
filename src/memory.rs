//! Keeping the resident size of long-running processes flat.

/// Hand memory that the allocator holds free back to the system. glibc's
/// allocator keeps freed pages inside its arenas, so after thousands of
/// files of different sizes a process's resident size creeps up although
/// its live heap stays the same; the batch writer calls this every few
/// hundred files and a pooled PDF child after every file. A no-op on other
/// C libraries.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}
