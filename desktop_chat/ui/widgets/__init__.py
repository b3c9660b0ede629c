"""Small widgets more than one area of the window uses."""
