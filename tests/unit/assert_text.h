/* Assertions on the text files' contents, shared by the unit tests. */
#pragma once

/* text holds line as a whole line (it says which line is missing if not). */
void assert_has_line(const char *text, const char *line);
