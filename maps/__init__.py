"""Map builders."""
