// jemalloc's settings for the lifecircle executable (only when it is linked with
// jemalloc: see CMakeLists.txt). jemalloc reads this variable once, at its start; the
// environment variable MALLOC_CONF, read after it, still overrides it.
//
// thp:always asks the kernel for transparent huge pages (2 MiB) for the heap
// (madvise(MADV_HUGEPAGE) on jemalloc's extents; a kernel with THP "never" ignores it).
// A run touches a few hundred MiB of freshly allocated memory in a few seconds; with
// 4 KiB pages that is tens of thousands of page faults, which on a virtual machine cost
// a tenth of a metro network run. Measured on metro (docs/network.md, "Huge pages"):
// radius run about 18% and network run about 11% less wall time, peak memory 4-15% more.
#ifdef LIFECIRCLE_JEMALLOC
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface
const char* malloc_conf = "thp:always";
}
#endif
