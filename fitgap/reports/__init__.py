"""Reports: receive ready data and write files (workbooks, HTML). They never query the database."""
