"""The committee reads the audit log: /nhatky pages and the "Nhật ký" sheet of the export."""
