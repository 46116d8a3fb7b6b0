// Runs as the test binary loads, before main and so before any test: swift-log can be bootstrapped
// only once, and only loggers made after that take the quiet handler.
void clickbridge_tests_quiet_logs(void);

__attribute__((constructor)) static void clickbridge_tests_quiet(void) {
    clickbridge_tests_quiet_logs();
}
