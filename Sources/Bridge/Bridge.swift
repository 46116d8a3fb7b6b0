// The Bridge target; see DESIGN.md.
