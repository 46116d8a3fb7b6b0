// Nothing to import: this module only runs QuietLogs at load time (see quiet.c).
