// The OneClick target; see DESIGN.md.
