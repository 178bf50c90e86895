{{ identity_sides(ref('int_form_cells')) }}
