"""Scan generator for 财政项目支出绩效自评表 (see tools/gen_scans.py)."""
