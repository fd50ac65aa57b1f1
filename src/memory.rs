//! Keeping the resident size of long-running processes flat.

/// Hand memory that the allocators hold free back to the system: mimalloc
/// (the `referat` binary's allocator) and glibc's malloc keep freed pages,
/// so after thousands of files of different sizes a process's resident size
/// creeps up although its live heap stays the same; the batch writer calls
/// this every few hundred files and a pooled PDF child after every file.
pub fn release_free_memory() {
    // SAFETY: mi_collect only walks mimalloc's own free lists; it is a
    // cheap no-op when mimalloc is not the allocator in use.
    unsafe {
        libmimalloc_sys::mi_collect(false);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}
