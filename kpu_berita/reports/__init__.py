"""The Bakohumas report: periods, data assembled from the warehouse, renderers (md, json,
docx), operators' Word templates, social-media figures and humas activities."""
