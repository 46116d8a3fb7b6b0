// The ClaimService target; see DESIGN.md.
