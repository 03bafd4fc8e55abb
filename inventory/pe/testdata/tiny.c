/* The smallest program the mingw-w64 toolchain links: no C runtime, an
 * entry point that returns. The tests give it tests/version.rc. */
int start(void) { return 0; }
