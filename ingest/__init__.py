"""Raw OGI annual reports (政府信息公开工作年度报告) → staging Parquet for the warehouse."""
