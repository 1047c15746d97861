"""Early help: assessments, Team Around the Family, central record of support."""
