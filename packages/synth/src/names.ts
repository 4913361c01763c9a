/**
 * Name lists for synthetic people, grouped loosely by naming tradition so that a population
 * drawn across groups looks like a diverse US community. The lists are common given names and
 * surnames; any resemblance of a generated full identity to a real person is coincidental.
 */
export type NameGroup = 'anglo' | 'hispanic' | 'african-american' | 'east-asian' | 'south-asian' | 'vietnamese' | 'filipino' | 'arabic' | 'slavic';

interface NameList {
  female: readonly string[];
  male: readonly string[];
  family: readonly string[];
}

export const NAMES: Record<NameGroup, NameList> = {
  anglo: {
    female: ['Emma', 'Olivia', 'Ava', 'Sophia', 'Mary', 'Patricia', 'Linda', 'Barbara', 'Elizabeth', 'Jennifer', 'Susan', 'Margaret', 'Sarah', 'Karen', 'Nancy', 'Lisa', 'Betty', 'Dorothy', 'Sandra', 'Ashley', 'Emily', 'Hannah', 'Abigail', 'Madison', 'Chloe', 'Grace', 'Ruth', 'Helen', 'Amy', 'Rebecca', 'Laura', 'Megan', 'Claire', 'Harper', 'Evelyn'],
    male: ['James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Joseph', 'Thomas', 'Charles', 'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Donald', 'Steven', 'Paul', 'Andrew', 'Joshua', 'Kenneth', 'Kevin', 'Brian', 'George', 'Timothy', 'Ethan', 'Liam', 'Noah', 'Mason', 'Logan', 'Caleb', 'Owen', 'Henry', 'Jack', 'Wyatt'],
    family: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Martin', 'Thompson', 'White', 'Clark', 'Lewis', 'Walker', 'Hall', 'Allen', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner', 'Parker', 'Collins', 'Edwards', 'Stewart', 'Murphy', 'Cook', 'Rogers', 'Morgan', 'Cooper', 'Peterson', 'Reed', 'Bailey', 'Kelly', 'Howard', 'Sullivan', 'Olson', 'Larson', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Hoffman', "O'Brien", 'McCarthy', 'Russo', 'Romano', 'Esposito', 'Bianchi'],
  },
  hispanic: {
    female: ['Sofia', 'Isabella', 'Camila', 'Valentina', 'Mariana', 'Lucia', 'Gabriela', 'Daniela', 'Ana', 'Maria', 'Rosa', 'Carmen', 'Guadalupe', 'Alejandra', 'Ximena', 'Paola', 'Elena', 'Veronica', 'Adriana', 'Leticia'],
    male: ['Santiago', 'Mateo', 'Sebastian', 'Diego', 'Alejandro', 'Jose', 'Juan', 'Luis', 'Carlos', 'Miguel', 'Jorge', 'Javier', 'Fernando', 'Ricardo', 'Eduardo', 'Manuel', 'Rafael', 'Andres', 'Emiliano', 'Hector'],
    family: ['Garcia', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Perez', 'Sanchez', 'Ramirez', 'Torres', 'Flores', 'Rivera', 'Gomez', 'Diaz', 'Reyes', 'Morales', 'Cruz', 'Ortiz', 'Gutierrez', 'Chavez', 'Ramos', 'Ruiz', 'Alvarez', 'Mendoza', 'Vasquez', 'Castillo', 'Jimenez', 'Moreno', 'Romero', 'Herrera'],
  },
  'african-american': {
    female: ['Aaliyah', 'Imani', 'Jasmine', 'Ebony', 'Keisha', 'Tamika', 'Latoya', 'Destiny', 'Kayla', 'Brianna', 'Nia', 'Zora', 'Monique', 'Danielle', 'Tiana', 'Gloria', 'Denise', 'Angela', 'Janelle', 'Alicia'],
    male: ['Jamal', 'Darnell', 'Malik', 'Andre', 'Terrence', 'DeShawn', 'Marcus', 'Jalen', 'Isaiah', 'Elijah', 'Cedric', 'Reginald', 'Tyrone', 'Darius', 'Xavier', 'Jerome', 'Calvin', 'Maurice', 'Kendrick', 'Omari'],
    family: ['Washington', 'Jefferson', 'Jackson', 'Harris', 'Robinson', 'Banks', 'Coleman', 'Jenkins', 'Bryant', 'Wallace', 'Hayes', 'Simmons', 'Freeman', 'Gaines', 'Dorsey', 'Mack', 'Booker', 'Singleton', 'Woods', 'Brooks'],
  },
  'east-asian': {
    female: ['Mei', 'Li', 'Xiu', 'Jing', 'Yan', 'Hana', 'Yuki', 'Aiko', 'Ji-woo', 'Seo-yeon', 'Min-ji', 'Lian', 'Wen', 'Hui', 'Sakura'],
    male: ['Wei', 'Jun', 'Hao', 'Ming', 'Lei', 'Chen', 'Hiroshi', 'Takeshi', 'Kenji', 'Min-jun', 'Ji-ho', 'Seung', 'Tao', 'Bo', 'Yong'],
    family: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Lin', 'Tanaka', 'Sato', 'Suzuki', 'Takahashi', 'Kim', 'Lee', 'Park', 'Choi', 'Jung'],
  },
  'south-asian': {
    female: ['Priya', 'Ananya', 'Aisha', 'Divya', 'Kavya', 'Meera', 'Neha', 'Pooja', 'Riya', 'Sana'],
    male: ['Arjun', 'Rohan', 'Vikram', 'Rahul', 'Amit', 'Sanjay', 'Aditya', 'Ravi', 'Imran', 'Karan'],
    family: ['Patel', 'Shah', 'Singh', 'Kumar', 'Gupta', 'Sharma', 'Reddy', 'Iyer', 'Desai', 'Khan', 'Rao', 'Mehta'],
  },
  vietnamese: {
    female: ['Linh', 'Mai', 'Thao', 'Huong', 'Lan', 'Ngoc', 'Trang', 'Anh'],
    male: ['Minh', 'Duc', 'Huy', 'Tuan', 'Quang', 'Khanh', 'Long', 'Nam'],
    family: ['Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Vu', 'Dang', 'Bui', 'Do', 'Ngo'],
  },
  filipino: {
    female: ['Maricel', 'Rowena', 'Jocelyn', 'Analyn', 'Kristine', 'Divina', 'Liza', 'Princess'],
    male: ['Rodel', 'Jericho', 'Ramil', 'Arnel', 'Joel', 'Marlon', 'Romeo', 'Dante'],
    family: ['Santos', 'Reyes', 'Bautista', 'Villanueva', 'Dela Cruz', 'Mendoza', 'Aquino', 'Castro', 'Manalo', 'Soriano'],
  },
  arabic: {
    female: ['Fatima', 'Layla', 'Maryam', 'Noor', 'Yasmin', 'Huda', 'Rania', 'Salma'],
    male: ['Omar', 'Ahmed', 'Yusuf', 'Khalid', 'Hassan', 'Tariq', 'Samir', 'Karim'],
    family: ['Haddad', 'Mansour', 'Nasser', 'Khoury', 'Saleh', 'Hamdan', 'Aziz', 'Farah', 'Bakr', 'Sabbagh'],
  },
  slavic: {
    female: ['Anna', 'Olga', 'Natalia', 'Irina', 'Katarzyna', 'Svetlana', 'Milena', 'Daria'],
    male: ['Ivan', 'Dmitri', 'Piotr', 'Tomasz', 'Mikhail', 'Alexei', 'Jakub', 'Nikolai'],
    family: ['Ivanov', 'Kowalski', 'Nowak', 'Petrov', 'Novak', 'Wisniewski', 'Sokolov', 'Horvat', 'Lewandowski', 'Kuznetsov'],
  },
};
