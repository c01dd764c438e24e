"""Exports for the minutes: .xlsx, .csv, the draft biên bản (.docx), statistics and the chart."""
