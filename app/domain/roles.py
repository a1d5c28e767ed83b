"""The roles of Beian (角色): who is who, as names the code and the role sync share."""

ROLE_ADMIN = "Admin"
ROLE_CITY = "CityStaff"
ROLE_DISTRICT = "DistrictStaff"
ROLE_STREET = "StreetStaff"
ROLE_COORDINATOR = "EventCoordinator"
ROLE_EMPLOYER = "Employer"
ROLE_INDIVIDUAL = "Individual"
STAFF_ROLES = (ROLE_CITY, ROLE_DISTRICT, ROLE_STREET, ROLE_COORDINATOR)
