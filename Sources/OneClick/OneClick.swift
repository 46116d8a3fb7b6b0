// The OneClick target; see ARCHITECTURE.md ("Modules").
